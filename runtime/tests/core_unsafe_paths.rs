//! The task cell's unsafe paths, each driven into the situation its invariant is for: a
//! task freed while a queue entry still points at it, a waker used after its task
//! finished (on the loop, on another thread, after the loop closed), a task cancelled
//! while it is being polled, and panics in a future's poll, in its drop and in the drop of
//! its output. Each test counts drops, so a double drop or a leak fails natively; under
//! Miri (`cargo +nightly miri test -p aio-runtime --test core_unsafe_paths`) a
//! use-after-free, an aliasing violation or a leaked cell fails as well.

use std::cell::{Cell, RefCell};
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use aio_runtime::{self as aio, Runtime, Task, TaskState};

/// Counts drops of the values made by [`Drops::guard`].
#[derive(Clone, Default)]
struct Drops(Arc<AtomicUsize>);

struct Guard(Arc<AtomicUsize>);

impl Drop for Guard {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

impl Drops {
    fn guard(&self) -> Guard {
        Guard(self.0.clone())
    }
    fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// A value whose drop panics (after counting).
struct PanicOnDrop(#[allow(dead_code)] Guard);

impl Drop for PanicOnDrop {
    fn drop(&mut self) {
        panic!("drop failed on purpose");
    }
}

/// A future that polls its inner future and owns a value it never drops itself.
struct Holder<F>(#[allow(dead_code)] PanicOnDrop, Pin<Box<F>>);

impl<F: Future> Future for Holder<F> {
    type Output = F::Output;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.1.as_mut().poll(cx)
    }
}

/// Runs `f` with the panic messages of this file's deliberate panics silenced.
fn quietly<R>(f: impl FnOnce() -> R) -> R {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|info| {
        let s = info.payload().downcast_ref::<&str>().copied();
        let s = s.or_else(|| info.payload().downcast_ref::<String>().map(String::as_str));
        if !s.is_some_and(|m| m.ends_with("on purpose")) {
            eprintln!("{info}");
        }
    }));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    std::panic::set_hook(hook);
    r.unwrap_or_else(|p| std::panic::resume_unwind(p))
}

/// The waker of the task (or main future) polling it.
async fn own_waker() -> Waker {
    poll_fn(|cx| Poll::Ready(cx.waker().clone())).await
}

#[test]
fn a_task_that_finishes_while_queued_is_freed_when_its_entry_is_popped() {
    let drops = Drops::default();
    aio::run({
        let drops = drops.clone();
        async move {
            // The task wakes itself and returns Ready in the same poll: it completes with
            // an entry in the ready queue, which still owns the loop's reference.
            let g = drops.guard();
            let t = aio::spawn(poll_fn(move |cx| {
                let _ = &g;
                cx.waker().wake_by_ref();
                Poll::Ready(5)
            }));
            // Its handle is dropped before the entry is reached.
            aio::yield_now().await;
            assert!(t.done());
            drop(t);
            assert_eq!(drops.count(), 1, "the future was dropped when it finished");
            aio::yield_now().await;
            aio::yield_now().await;
        }
    });
    assert_eq!(drops.count(), 1);
}

#[test]
fn a_task_cancelled_while_queued_is_dropped_once_and_its_entry_released() {
    let drops = Drops::default();
    let polls = Rc::new(Cell::new(0));
    aio::run({
        let (drops, polls) = (drops.clone(), polls.clone());
        async move {
            let slot = Rc::new(RefCell::new(None));
            let (s, g, p) = (slot.clone(), drops.guard(), polls.clone());
            let t = aio::spawn(async move {
                let _g = g;
                p.set(p.get() + 1);
                *s.borrow_mut() = Some(own_waker().await);
                aio::sleep(Duration::from_secs(3600)).await;
            });
            aio::yield_now().await;
            let w: Waker = slot.borrow_mut().take().unwrap();
            // Woken twice (one queue entry), cancelled twice while queued, handle dropped.
            w.wake_by_ref();
            w.wake_by_ref();
            assert!(t.cancel());
            assert!(t.cancel(), "still pending until the loop reaches it");
            drop(t);
            aio::yield_now().await;
            assert_eq!(drops.count(), 1);
            assert_eq!(polls.get(), 1, "never polled after the cancel");
            // The waker outlives the task: the last reference.
            w.wake();
        }
    });
    assert_eq!(drops.count(), 1);
}

#[test]
fn a_runtime_closed_with_tasks_in_its_ready_queue_drops_each_future_once() {
    let drops = Drops::default();
    let rt = Runtime::new().unwrap();
    let (wakers, handles) = rt.block_on({
        let drops = drops.clone();
        async move {
            let (mut wakers, mut handles) = (Vec::new(), Vec::new());
            for i in 0..6 {
                let g = drops.guard();
                let slot = Rc::new(RefCell::new(None));
                let s = slot.clone();
                let t = aio::spawn(async move {
                    let _g = g;
                    *s.borrow_mut() = Some(own_waker().await);
                    aio::sleep(Duration::from_secs(3600)).await;
                });
                aio::yield_now().await;
                wakers.push(slot.borrow_mut().take().unwrap());
                // Half detached, half with handles kept past the close.
                if i % 2 == 0 {
                    t.detach();
                } else {
                    handles.push(t);
                }
            }
            // Never started, still queued at close.
            let g = drops.guard();
            aio::spawn(async move { drop(g) }).detach();
            // Some woken: in the ready queue at close.
            for w in &wakers[..3] {
                w.wake_by_ref();
            }
            (wakers, handles)
        }
    });
    assert_eq!(drops.count(), 0);
    drop(rt);
    assert_eq!(
        drops.count(),
        7,
        "every pending future dropped at close, once"
    );
    for t in handles {
        assert!(t.cancelled());
    }
    // The cells outlive the loop through these wakers; waking them is harmless.
    for w in wakers {
        w.wake_by_ref();
        w.wake();
    }
}

/// Regression (found by Miri, Stacked Borrows): a remote wake borrowed the loop's shared
/// state from the task's header and then released the task, so the wake that released
/// the last task of a closed loop freed that state under its own `&self`. (The same
/// borrow let a wake from another thread touch the state after handing the task over,
/// when the loop could close and free it meanwhile.)
#[test]
fn the_last_waker_of_a_closed_loop_frees_it_from_inside_its_wake() {
    for on_another_thread in [false, true] {
        let slot = Rc::new(RefCell::new(None));
        aio::run({
            let slot = slot.clone();
            async move {
                aio::spawn(async move {
                    *slot.borrow_mut() = Some(own_waker().await);
                    aio::sleep(Duration::from_secs(3600)).await;
                })
                .detach();
                aio::yield_now().await;
            }
        });
        // The loop is closed and the task cancelled: this waker holds the last reference
        // to the task, and through its header the last one to the loop's shared state.
        let w: Waker = slot.borrow_mut().take().expect("the task ran");
        if on_another_thread {
            std::thread::spawn(move || w.wake()).join().unwrap();
        } else {
            w.wake();
        }
    }
}

#[test]
fn wakers_used_after_their_task_finished_on_the_loop_and_on_other_threads() {
    let (early, late) = aio::run(async {
        let t = aio::spawn(async { own_waker().await });
        let w = t.await.unwrap();
        // The task is finished and its handle gone: the waker holds the last reference.
        w.wake_by_ref();
        let c = w.clone();
        c.wake();
        let threads: Vec<_> = (0..2)
            .map(|_| {
                let w = w.clone();
                std::thread::spawn(move || {
                    w.wake_by_ref();
                    let c = w.clone();
                    drop(w);
                    c.wake();
                })
            })
            .collect();
        for th in threads {
            while !th.is_finished() {
                aio::yield_now().await;
            }
            th.join().unwrap();
        }
        // A second task's waker, kept past the end of the loop.
        let t = aio::spawn(async { own_waker().await });
        let late = t.await.unwrap();
        aio::yield_now().await;
        (w, late)
    });
    early.wake();
    std::thread::spawn(move || late.wake()).join().unwrap();
}

#[test]
fn a_task_cancelled_by_its_own_poll() {
    type Slot = Rc<RefCell<Option<Task<u32>>>>;
    let drops = Drops::default();
    let out = aio::run({
        let drops = drops.clone();
        async move {
            // Cancels itself and returns Pending: the loop drops it at its next turn.
            let slot: Slot = Rc::default();
            let (s, g) = (slot.clone(), drops.guard());
            let polls = Rc::new(Cell::new(0));
            let p = polls.clone();
            let t = aio::spawn(poll_fn(move |_| {
                let _ = &g;
                p.set(p.get() + 1);
                assert!(s.borrow().as_ref().unwrap().cancel());
                Poll::Pending
            }));
            *slot.borrow_mut() = Some(t);
            aio::yield_now().await;
            aio::yield_now().await;
            let t = slot.borrow_mut().take().unwrap();
            assert_eq!(t.state(), TaskState::Cancelled);
            assert_eq!(polls.get(), 1, "never polled after its cancel");
            assert!(t.await.unwrap_err().is_cancelled());

            // Cancels itself and returns Ready in the same poll: the value stands, and the
            // queue entry the cancel made finds a finished task.
            let slot: Slot = Rc::default();
            let (s, g) = (slot.clone(), drops.guard());
            let t = aio::spawn(poll_fn(move |_| {
                let _ = &g;
                assert!(s.borrow().as_ref().unwrap().cancel());
                Poll::Ready(9)
            }));
            *slot.borrow_mut() = Some(t);
            aio::yield_now().await;
            let t = slot.borrow_mut().take().unwrap();
            aio::yield_now().await;
            t.await.unwrap()
        }
    });
    assert_eq!(out, 9);
    assert_eq!(drops.count(), 2);
}

#[test]
fn a_task_whose_future_owns_its_own_handle() {
    // Dropping the finished future drops the last handle to the same task, from inside
    // the loop's bookkeeping of that task.
    let drops = Drops::default();
    aio::run({
        let drops = drops.clone();
        async move {
            for finish in [true, false] {
                let slot: Rc<RefCell<Option<Task<()>>>> = Rc::default();
                let s = slot.clone();
                let g = drops.guard();
                let t = aio::spawn(async move {
                    let _g = g;
                    aio::yield_now().await;
                    let _me = s.borrow_mut().take();
                    if !finish {
                        aio::sleep(Duration::from_secs(3600)).await;
                    }
                });
                *slot.borrow_mut() = Some(t);
                aio::yield_now().await;
                aio::yield_now().await;
            }
            // The second one is still pending: the loop's close drops it, and its handle.
        }
    });
    assert_eq!(drops.count(), 2);
}

#[test]
fn panics_in_poll_in_drop_and_in_the_outputs_drop_are_contained() {
    let drops = Drops::default();
    quietly(|| {
        aio::run({
            let drops = drops.clone();
            async move {
                // A panic in poll, and the future's drop then panics too (a field of the
                // future, not a local of the panicking body: that would be a panic while
                // unwinding, which aborts).
                let t = aio::spawn(Holder(
                    PanicOnDrop(drops.guard()),
                    Box::pin(async {
                        aio::yield_now().await;
                        panic!("poll failed on purpose");
                    }),
                ));
                let e = t.await.unwrap_err();
                assert_eq!(e.panic_message(), Some("poll failed on purpose"));

                // The output's drop panics: when the handle is dropped unretrieved, and
                // when the task finishes after its handle is gone.
                let g = drops.guard();
                let t = aio::spawn(async move { PanicOnDrop(g) });
                aio::yield_now().await;
                assert!(t.done());
                drop(t);
                let g = drops.guard();
                aio::spawn(async move {
                    aio::yield_now().await;
                    PanicOnDrop(g)
                })
                .detach();
                aio::yield_now().await;
                aio::yield_now().await;

                // A task awaiting one whose future's drop (after its last poll) panics:
                // the value stands and the join waker is woken. (A local of an async
                // body is dropped inside its last poll, so its panic is the task's.)
                let inner = aio::spawn(Holder(
                    PanicOnDrop(drops.guard()),
                    Box::pin(async {
                        aio::yield_now().await;
                        3
                    }),
                ));
                let outer = aio::spawn(inner);
                assert_eq!(outer.await.unwrap().unwrap(), 3);

                // Left pending at close, with a panicking drop.
                aio::spawn(Holder(
                    PanicOnDrop(drops.guard()),
                    Box::pin(aio::sleep(Duration::from_secs(3600))),
                ))
                .detach();
                aio::yield_now().await;
            }
        })
    });
    assert_eq!(drops.count(), 5);
}

#[test]
fn a_future_dropped_by_close_may_spawn_and_wake() {
    // The loop's close drops pending futures; their drops spawn and wake tasks, which
    // close must also finish without a leak or a second drop.
    struct SpawnOnDrop(Drops, Option<Waker>);
    impl Drop for SpawnOnDrop {
        fn drop(&mut self) {
            let g = self.0.guard();
            aio::spawn(async move {
                let _g = g;
                aio::sleep(Duration::from_secs(3600)).await;
            })
            .detach();
            if let Some(w) = self.1.take() {
                w.wake();
            }
        }
    }
    impl Future for SpawnOnDrop {
        type Output = ();
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            self.1 = Some(cx.waker().clone());
            Poll::Pending
        }
    }
    let drops = Drops::default();
    aio::run({
        let drops = drops.clone();
        async move {
            for _ in 0..3 {
                aio::spawn(SpawnOnDrop(drops.clone(), None)).detach();
            }
            aio::yield_now().await;
        }
    });
    assert_eq!(
        drops.count(),
        3,
        "the tasks spawned during close were dropped"
    );
}
