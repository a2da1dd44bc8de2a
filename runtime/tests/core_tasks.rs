//! Tasks and the loop: FIFO order, handles, cancellation, panics, nesting, shutdown.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use aio_runtime::{self as aio, Runtime, TaskError, TaskState};

/// The notes' `counter` example: four tasks that print and `sleep(0)`, round-robin.
#[test]
fn counter_example_runs_round_robin() {
    async fn counter(name: String, out: Rc<RefCell<Vec<String>>>) {
        for i in 0..100 {
            out.borrow_mut().push(format!("{name}: {i}"));
            aio::sleep(Duration::ZERO).await;
        }
    }
    let out = Rc::new(RefCell::new(Vec::new()));
    let o = out.clone();
    aio::run(async move {
        let mut tasks = Vec::new();
        for n in 0..4 {
            tasks.push(aio::spawn(counter(format!("task{n}"), o.clone())));
        }
        loop {
            tasks.retain(|t| !t.done());
            if tasks.is_empty() {
                return;
            }
            let first = tasks.remove(0);
            first.await.unwrap();
        }
    });
    let out = out.borrow();
    assert_eq!(out.len(), 400);
    let expected: Vec<String> = (0..100)
        .flat_map(|i| (0..4).map(move |n| format!("task{n}: {i}")))
        .collect();
    assert_eq!(*out, expected);
}

#[test]
fn main_future_takes_its_turn_in_fifo_order() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let l = log.clone();
    aio::run(async move {
        let l2 = l.clone();
        aio::spawn(async move { l2.borrow_mut().push("a") }).detach();
        l.borrow_mut().push("main before yield");
        aio::yield_now().await;
        l.borrow_mut().push("main after yield");
    });
    assert_eq!(
        *log.borrow(),
        ["main before yield", "a", "main after yield"]
    );
}

#[test]
fn handle_reports_state_and_result() {
    aio::run(async {
        let mut t = aio::spawn(async {
            aio::yield_now().await;
            7
        });
        assert!(!t.done());
        assert_eq!(t.state(), TaskState::Pending);
        assert!(t.try_result().is_err());
        aio::yield_now().await;
        aio::yield_now().await;
        assert!(t.done());
        assert_eq!(t.state(), TaskState::Finished);
        assert_eq!(t.try_result().unwrap().unwrap(), 7);
        assert!(t.try_result().is_err(), "the result can be taken once");
    });
}

#[test]
fn dropping_the_handle_does_not_cancel() {
    let hits = Rc::new(RefCell::new(0));
    let h = hits.clone();
    let h2 = hits.clone();
    aio::run(async move {
        drop(aio::spawn(async move {
            aio::sleep(Duration::from_millis(5)).await;
            *h.borrow_mut() += 1;
        }));
        // Wait (boundedly) for the handle-less task to finish on its own.
        let hits = h2;
        for _ in 0..500 {
            if *hits.borrow() == 1 {
                break;
            }
            aio::sleep(Duration::from_millis(10)).await;
        }
    });
    assert_eq!(*hits.borrow(), 1);
}

#[test]
fn cancel_drops_the_future_and_await_says_cancelled() {
    aio::run(async {
        let t = aio::spawn(aio::sleep(Duration::from_secs(3600)));
        aio::yield_now().await;
        assert!(t.cancel());
        assert!(
            !t.cancelled(),
            "like asyncio, cancellation happens when the loop reaches it"
        );
        aio::yield_now().await;
        assert!(t.cancelled());
        assert_eq!(t.state(), TaskState::Cancelled);
        assert!(!t.cancel(), "a finished task cannot be cancelled");
        assert!(matches!(t.await, Err(TaskError::Cancelled)));

        // Cancelled before it ever ran: it never runs.
        let ran = Rc::new(RefCell::new(false));
        let r = ran.clone();
        let t = aio::spawn(async move { *r.borrow_mut() = true });
        t.cancel();
        assert!(t.await.unwrap_err().is_cancelled());
        assert!(!*ran.borrow());
    });
}

#[test]
fn a_panicking_task_does_not_take_the_loop_down() {
    let v = aio::run(async {
        let t = aio::spawn(async {
            aio::yield_now().await;
            panic!("boom");
        });
        let other = aio::spawn(async { 5 });
        let err = t.await.unwrap_err();
        assert!(err.is_panic());
        assert_eq!(err.panic_message(), Some("boom"));
        other.await.unwrap()
    });
    assert_eq!(v, 5);
}

#[test]
fn a_panic_in_the_main_future_propagates_to_the_caller_of_run() {
    let r = std::panic::catch_unwind(|| aio::run(async { panic!("main failed") }));
    let payload = r.unwrap_err();
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"main failed"));
    // The thread can run a loop again afterwards.
    assert_eq!(aio::run(async { 1 }), 1);
}

#[test]
fn nested_run_panics_naming_the_fix() {
    // The nested run is the mistake under test.
    // aio-lint: allow(nested_block_on)
    let r = std::panic::catch_unwind(|| aio::run(async { aio::run(async {}) }));
    let payload = r.unwrap_err();
    let msg = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    assert!(
        msg.contains("use .await or aio::spawn instead of nesting aio::run"),
        "{msg}"
    );
}

#[test]
fn nested_run_panics_pointing_at_the_nested_call() {
    // The panic points at the user's nested `run`, not into the runtime.
    let at = Arc::new(std::sync::Mutex::new(None));
    let hook = std::panic::take_hook();
    let (a, me) = (at.clone(), std::thread::current().id());
    std::panic::set_hook(Box::new(move |info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .copied()
            .unwrap_or_default();
        // (The hook is process-wide: only this test's thread counts.)
        if msg.contains("nesting aio::run") && std::thread::current().id() == me {
            *a.lock().unwrap() = info.location().map(|l| (l.file().to_owned(), l.line()));
        }
    }));
    let line = line!() + 2;
    // aio-lint: allow(nested_block_on) the mistake under test
    let r = std::panic::catch_unwind(|| aio::run(async { aio::run(async {}) }));
    std::panic::set_hook(hook);
    assert!(r.is_err());
    assert_eq!(*at.lock().unwrap(), Some((file!().to_owned(), line)));
}

struct DropCounter(Arc<AtomicUsize>);
impl Drop for DropCounter {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn leftover_tasks_are_cancelled_at_the_end_of_run() {
    let drops = Arc::new(AtomicUsize::new(0));
    let d = drops.clone();
    aio::run(async move {
        for _ in 0..10 {
            let guard = DropCounter(d.clone());
            aio::spawn(async move {
                let _g = guard;
                aio::sleep(Duration::from_secs(3600)).await;
            })
            .detach();
        }
        // Never-started tasks are dropped too.
        let guard = DropCounter(d.clone());
        aio::spawn(async move { drop(guard) }).detach();
        aio::yield_now().await;
        let guard = DropCounter(d.clone());
        aio::spawn(async move {
            let _g = guard;
        })
        .detach();
    });
    assert_eq!(drops.load(Ordering::SeqCst), 12);
}

#[test]
fn task_names_ids_and_introspection() {
    async fn count() -> usize {
        aio::all_tasks().len()
    }
    aio::run(async {
        let t = aio::spawn(count());
        assert_eq!(t.name(), "count");
        let anon = aio::spawn(async { aio::current_task().unwrap().name().to_owned() });
        assert_eq!(anon.name(), format!("Task-{}", anon.id()));
        let named = aio::spawn_named("worker", async {});
        assert_eq!(named.name(), "worker");
        named.set_name(String::from("renamed"));
        assert_eq!(named.name(), "renamed");
        assert!(t.id() < anon.id() && anon.id() < named.id());

        let all = aio::all_tasks();
        let names: Vec<_> = all.iter().map(|i| i.name().to_owned()).collect();
        assert_eq!(names[0], "main");
        assert!(names.contains(&"count".to_owned()));
        assert!(names.contains(&"renamed".to_owned()));
        assert_eq!(all[1].location().file(), file!());
        assert_eq!(aio::current_task().unwrap().id(), 0);

        let anon_id = anon.id();
        assert_eq!(anon.await.unwrap(), format!("Task-{anon_id}"));
        assert_eq!(
            t.await.unwrap(),
            4,
            "main, count itself, anon and named were pending"
        );
    });
    assert!(aio::current_task().is_none());
    assert!(aio::all_tasks().is_empty());
}

#[test]
fn runtime_keeps_pending_tasks_between_block_on_calls() {
    let rt = Runtime::new().unwrap();
    let t = rt.spawn(async {
        aio::sleep(Duration::from_millis(10)).await;
        3
    });
    assert_eq!(rt.pending_tasks().len(), 1);
    assert_eq!(rt.block_on(t).unwrap(), 3);
    let bg = rt
        .block_on(async {
            let t = aio::spawn(aio::sleep(Duration::from_secs(60)));
            aio::yield_now().await;
            // Returned out of block_on on purpose: the task outlives this call.
            Some(t)
        })
        .unwrap();
    assert_eq!(rt.pending_tasks().len(), 1);
    drop(rt);
    assert!(bg.cancelled(), "closing the runtime cancels pending tasks");
}

/// A future that records where it was pinned and checks, when dropped, that it is dropped
/// at that same address (Pin's drop guarantee).
struct PinnedProbe {
    polled_at: std::cell::Cell<usize>,
    dropped_in_place: Rc<std::cell::Cell<Option<bool>>>,
    _pin: std::marker::PhantomPinned,
}

impl std::future::Future for PinnedProbe {
    type Output = ();
    fn poll(
        self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        self.polled_at.set(&*self as *const Self as usize);
        std::task::Poll::Pending
    }
}

impl Drop for PinnedProbe {
    fn drop(&mut self) {
        let polled_at = self.polled_at.get();
        if polled_at != 0 {
            self.dropped_in_place
                .set(Some(polled_at == self as *const Self as usize));
        }
    }
}

fn probe() -> (PinnedProbe, Rc<std::cell::Cell<Option<bool>>>) {
    let seen = Rc::new(std::cell::Cell::new(None));
    let probe = PinnedProbe {
        polled_at: std::cell::Cell::new(0),
        dropped_in_place: seen.clone(),
        _pin: std::marker::PhantomPinned,
    };
    (probe, seen)
}

#[test]
fn a_cancelled_task_drops_its_pinned_future_where_it_lies() {
    let (fut, seen) = probe();
    aio::run(async move {
        let t = aio::spawn(fut);
        aio::yield_now().await;
        t.cancel();
        assert!(t.await.unwrap_err().is_cancelled());
    });
    assert_eq!(
        seen.get(),
        Some(true),
        "the pinned future was moved before its drop"
    );
}

#[test]
fn a_leftover_task_drops_its_pinned_future_where_it_lies() {
    let (fut, seen) = probe();
    aio::run(async move {
        aio::spawn(fut);
        aio::yield_now().await;
    });
    assert_eq!(
        seen.get(),
        Some(true),
        "the pinned future was moved before its drop"
    );
}

#[test]
fn cancelling_a_task_waiting_on_a_queue_it_owns_is_sound() {
    async fn waiter(q: aio::Queue<u32>) {
        let _ = q.get().await;
    }
    aio::run(async {
        let q = aio::Queue::<u32>::bounded(2);
        let t = aio::spawn(waiter(q.clone()));
        aio::yield_now().await;
        t.cancel();
        assert!(t.await.unwrap_err().is_cancelled());
        // The queue still works for the others once the cancelled getter is gone.
        q.put(1).await.unwrap();
        assert_eq!(q.get().await.unwrap(), 1);
    });
}

#[test]
fn no_task_is_current_while_the_loop_closes() {
    // A pending task's future is dropped by the runtime's close, after the main future's
    // last poll: no task, and not the main future, is current there.
    struct Probe(Rc<RefCell<Option<Option<String>>>>);
    impl Drop for Probe {
        fn drop(&mut self) {
            let current = aio::current_task().map(|t| t.name().to_owned());
            *self.0.borrow_mut() = Some(current);
        }
    }
    let seen = Rc::new(RefCell::new(None));
    let probe = Probe(seen.clone());
    aio::run(async move {
        aio::spawn(async move {
            let _probe = probe;
            aio::sleep(Duration::from_secs(3600)).await;
        })
        .detach();
        aio::yield_now().await;
    });
    assert_eq!(
        *seen.borrow(),
        Some(None),
        "dropped at close, with no current task"
    );
}
