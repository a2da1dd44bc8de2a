//! Faults around cancellation and time, at the task level: a task cancelled after it was
//! chosen (woken with an item, a free slot or the lock) but before it ran passes its turn
//! on, so no item and no wake-up is lost; `sleep(Duration::MAX)` cancelled and
//! `sleep_until` in the past; the blocking pool saturated while the loop keeps going; and
//! wakers hammered from another thread while the loop shuts down.
//!
//! The waiter-level versions (futures dropped by hand) are in `queue.rs` and `sync.rs`;
//! panics in a task, a future's `Drop` and a waker's `wake` are in `core_tasks.rs` and
//! `core_wake.rs`.

use std::cell::RefCell;
use std::future::{Future, poll_fn};
use std::pin::pin;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::task::Poll;
use std::time::{Duration, Instant};

use aio_runtime::sync::Lock;
use aio_runtime::{Queue, TaskError, max_blocking_threads, sleep, spawn, to_thread, yield_now};

/// Only reached when a wake-up is lost.
const LIMIT: Duration = Duration::from_secs(10);

async fn settle() {
    for _ in 0..4 {
        yield_now().await;
    }
}

#[test]
fn a_getter_cancelled_after_it_was_handed_an_item_passes_it_on() {
    let (got, left) = aio_runtime::run(async {
        let q: Queue<u32> = Queue::unbounded();
        let (q1, q2) = (q.clone(), q.clone());
        let first = spawn(async move { q1.get().await.unwrap() });
        let second = spawn(async move { q2.get().await.unwrap() });
        settle().await;
        // The item goes to `first` (woken, not yet run); cancelling it in the same turn
        // must hand the item to `second`.
        q.try_put(7).unwrap();
        first.cancel();
        assert!(matches!(first.await, Err(TaskError::Cancelled)));
        let got = aio_runtime::wait_for(LIMIT, second)
            .await
            .expect("lost wake-up");
        (got.unwrap(), q.len())
    });
    assert_eq!((got, left), (7, 0));
}

#[test]
fn a_putter_cancelled_after_it_was_given_a_free_slot_passes_it_on() {
    let drained = aio_runtime::run(async {
        let q: Queue<u32> = Queue::bounded(1);
        q.try_put(0).unwrap();
        let (q1, q2) = (q.clone(), q.clone());
        let first = spawn(async move { q1.put(1).await.unwrap() });
        let second = spawn(async move { q2.put(2).await.unwrap() });
        settle().await;
        assert_eq!(q.try_get(), Ok(0)); // frees the slot for `first`...
        first.cancel(); // ...which is cancelled before it runs
        assert!(matches!(first.await, Err(TaskError::Cancelled)));
        aio_runtime::wait_for(LIMIT, second)
            .await
            .expect("lost wake-up")
            .unwrap();
        let mut drained = Vec::new();
        while let Ok(x) = q.try_get() {
            drained.push(x);
        }
        drained
    });
    // The cancelled put's item never entered; the other one did; nothing else.
    assert_eq!(drained, [2]);
}

#[test]
fn a_lock_waiter_cancelled_after_it_was_handed_the_lock_passes_it_on() {
    let order = aio_runtime::run(async {
        let lock = Rc::new(Lock::new(Vec::new()));
        let guard = lock.lock().await;
        let waiter = |name: &'static str| {
            let lock = lock.clone();
            spawn(async move {
                lock.lock().await.push(name);
            })
        };
        let a = waiter("a");
        let b = waiter("b");
        let c = waiter("c");
        let d = waiter("d");
        settle().await;
        drop(guard); // the lock goes to `a`...
        a.cancel(); // ...cancelled before it runs
        c.cancel(); // and a waiter cancelled while still queued
        assert!(matches!(a.await, Err(TaskError::Cancelled)));
        assert!(matches!(c.await, Err(TaskError::Cancelled)));
        for t in [b, d] {
            aio_runtime::wait_for(LIMIT, t)
                .await
                .expect("lost wake-up")
                .unwrap();
        }
        let order = lock.lock().await.clone();
        assert!(!lock.locked(), "the lock is free again");
        order
    });
    assert_eq!(order, ["b", "d"]);
}

#[test]
fn sleep_forever_cancelled_and_sleep_until_the_past() {
    let started = Instant::now();
    aio_runtime::run(async {
        let forever = spawn(sleep(Duration::MAX));
        settle().await;
        assert!(!forever.done());
        forever.cancel();
        assert!(matches!(forever.await, Err(TaskError::Cancelled)));
        // Dropped by a timeout too.
        let r = aio_runtime::wait_for(Duration::from_millis(5), sleep(Duration::MAX)).await;
        assert!(r.is_err());
        // A deadline in the past (far or near) is ready at the first poll.
        for ago in [
            Duration::from_secs(3600),
            Duration::from_nanos(1),
            Duration::ZERO,
        ] {
            let deadline = Instant::now().checked_sub(ago).unwrap_or_else(Instant::now);
            let mut s = pin!(aio_runtime::sleep_until(deadline));
            let first = poll_fn(|cx| Poll::Ready(s.as_mut().poll(cx).is_ready())).await;
            assert!(first, "sleep_until({ago:?} ago) is ready at once");
        }
        // The cancelled timers do not hold the loop: a short sleep still ends on time.
        sleep(Duration::from_millis(5)).await;
    });
    assert!(started.elapsed() < LIMIT);
}

#[test]
fn a_saturated_blocking_pool_queues_work_while_the_loop_keeps_running() {
    let jobs = max_blocking_threads() + 3;
    let ran = Arc::new(AtomicUsize::new(0));
    let (ticks, results, dropped_ran) = aio_runtime::run({
        let ran = ran.clone();
        async move {
            let ticks = Rc::new(RefCell::new(0u32));
            let ticker = {
                let ticks = ticks.clone();
                spawn(async move {
                    loop {
                        sleep(Duration::from_millis(5)).await;
                        *ticks.borrow_mut() += 1;
                    }
                })
            };
            let tasks: Vec<_> = (0..jobs)
                .map(|i| {
                    let ran = ran.clone();
                    spawn(to_thread(move || {
                        std::thread::sleep(Duration::from_millis(100));
                        ran.fetch_add(1, Ordering::SeqCst);
                        i
                    }))
                })
                .collect();
            settle().await;
            // One more job, queued behind the full pool, whose awaiting task is cancelled
            // before a thread frees up: it never runs.
            let dropped_ran = Arc::new(AtomicBool::new(false));
            let extra = {
                let d = dropped_ran.clone();
                spawn(to_thread(move || d.store(true, Ordering::SeqCst)))
            };
            settle().await;
            extra.cancel();
            assert!(matches!(extra.await, Err(TaskError::Cancelled)));
            let mut results = Vec::new();
            for t in tasks {
                results.push(t.await.unwrap().unwrap());
            }
            ticker.cancel();
            let ticks = *ticks.borrow();
            (ticks, results, dropped_ran)
        }
    });
    assert_eq!(results, (0..jobs).collect::<Vec<_>>());
    assert_eq!(ran.load(Ordering::SeqCst), jobs);
    // Two rounds of 100 ms jobs: the 5 ms ticker ran meanwhile.
    assert!(ticks >= 2, "the loop was blocked: {ticks} ticks");
    std::thread::sleep(Duration::from_millis(100));
    assert!(
        !dropped_ran.load(Ordering::SeqCst),
        "a cancelled queued job never runs"
    );
}

#[test]
fn wakers_hammered_from_another_thread_while_the_loop_closes() {
    let stop = Arc::new(AtomicBool::new(false));
    let wakes = Arc::new(AtomicUsize::new(0));
    for _ in 0..if cfg!(miri) { 4 } else { 20 } {
        let hammer = aio_runtime::run({
            let (stop, wakes) = (stop.clone(), wakes.clone());
            async move {
                // A task left pending at the end of run hands out its waker; the main
                // future's waker goes too. Another thread wakes both, over and over,
                // across the loop's close.
                let slot = Rc::new(RefCell::new(None));
                let s = slot.clone();
                spawn(async move {
                    *s.borrow_mut() = Some(poll_fn(|cx| Poll::Ready(cx.waker().clone())).await);
                    sleep(Duration::from_secs(3600)).await;
                })
                .detach();
                settle().await;
                let task_waker = slot.borrow_mut().take().expect("the task ran");
                let main_waker = poll_fn(|cx| Poll::Ready(cx.waker().clone())).await;
                let hammer = std::thread::spawn(move || {
                    while !stop.load(Ordering::SeqCst) {
                        task_waker.wake_by_ref();
                        main_waker.wake_by_ref();
                        wakes.fetch_add(1, Ordering::Relaxed);
                    }
                    task_waker.wake();
                    main_waker.wake();
                });
                sleep(Duration::from_millis(1)).await;
                hammer
            }
        });
        // The loop is gone; the thread is still waking.
        std::thread::sleep(Duration::from_millis(1));
        stop.store(true, Ordering::SeqCst);
        hammer
            .join()
            .expect("waking a closed loop's wakers never panics");
        stop.store(false, Ordering::SeqCst);
    }
    assert!(wakes.load(Ordering::Relaxed) > 0);
    // This thread can still run loops.
    assert_eq!(aio_runtime::run(async { 1 }), 1);
}
