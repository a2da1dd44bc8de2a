//! Wakers: cross-thread wakes unpark the loop, wakers outlive the loop safely, and panics
//! in foreign code (a future's Drop, a waker's wake) do not break the loop.

// Joining the waking thread from inside the loop is the point of these tests (the loop must
// survive wakes that race its own progress).
// aio-lint: allow-file(blocking_wait)

use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

use aio_runtime as aio;

/// Completes when another thread sets the flag and wakes the stored waker.
#[derive(Default)]
struct Signal {
    done: AtomicBool,
    waker: Mutex<Option<Waker>>,
}

impl Signal {
    fn set(&self) {
        self.done.store(true, Ordering::SeqCst);
        if let Some(w) = self.waker.lock().unwrap().take() {
            w.wake();
        }
    }
    async fn wait(&self) {
        poll_fn(|cx| {
            if self.done.load(Ordering::SeqCst) {
                return Poll::Ready(());
            }
            *self.waker.lock().unwrap() = Some(cx.waker().clone());
            if self.done.load(Ordering::SeqCst) {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
        .await
    }
}

#[test]
fn a_wake_from_another_thread_unparks_the_loop() {
    aio::run(async {
        let sig = Arc::new(Signal::default());
        let s = sig.clone();
        // A task waits on the signal; the main future waits on the task.
        let t = aio::spawn(async move {
            s.wait().await;
            "woken"
        });
        let s = sig.clone();
        let start = Instant::now();
        let th = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(30));
            s.set();
        });
        assert_eq!(t.await.unwrap(), "woken");
        assert!(start.elapsed() >= Duration::from_millis(30));
        th.join().unwrap();
        // The main future's own waker, woken from another thread.
        let sig = Arc::new(Signal::default());
        let s = sig.clone();
        let th = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(10));
            s.set();
        });
        sig.wait().await;
        th.join().unwrap();
    });
}

#[test]
fn wakers_cloned_and_dropped_on_many_threads() {
    aio::run(async {
        let t = aio::spawn(async {
            let waker = poll_fn(|cx| Poll::Ready(cx.waker().clone())).await;
            let threads: Vec<_> = (0..4)
                .map(|_| {
                    let w = waker.clone();
                    std::thread::spawn(move || {
                        for _ in 0..if cfg!(miri) { 30 } else { 20_000 } {
                            let c = w.clone();
                            c.wake_by_ref();
                            drop(c);
                        }
                        w.wake();
                    })
                })
                .collect();
            for th in threads {
                // Keep the loop busy while the threads hammer the refcount.
                while !th.is_finished() {
                    aio::yield_now().await;
                }
                th.join().unwrap();
            }
            7
        });
        assert_eq!(t.await.unwrap(), 7);
    });
}

#[test]
fn wakers_woken_after_the_loop_closed_are_harmless() {
    let (task_waker, main_waker) = aio::run(async {
        let t = aio::spawn(async {
            let w = poll_fn(|cx| Poll::Ready(cx.waker().clone())).await;
            aio::sleep(Duration::from_secs(3600)).await; // cancelled at the end of run
            w
        });
        let w = poll_fn(|cx| Poll::Ready(cx.waker().clone())).await;
        // Let the task start and grab its waker, then leave it pending.
        aio::yield_now().await;
        let tw = aio::spawn(async { poll_fn(|cx| Poll::Ready(cx.waker().clone())).await });
        let tw = tw.await.unwrap();
        drop(t);
        (tw, w)
    });
    task_waker.wake_by_ref();
    main_waker.wake_by_ref();
    let (tw, mw) = (task_waker.clone(), main_waker.clone());
    std::thread::spawn(move || {
        tw.wake();
        mw.wake();
    })
    .join()
    .unwrap();
    task_waker.wake();
    main_waker.wake();
    // And inside another loop on the same thread.
    aio::run(async {});
}

struct PanicOnDrop;
impl Drop for PanicOnDrop {
    fn drop(&mut self) {
        panic!("drop failed");
    }
}

/// A future that owns a `PanicOnDrop` it never drops itself: the panic happens when the
/// loop drops the finished (or cancelled) future.
struct Holder<F>(#[allow(dead_code)] PanicOnDrop, Pin<Box<F>>);
impl<F: Future> Future for Holder<F> {
    type Output = F::Output;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.1.as_mut().poll(cx)
    }
}

#[test]
fn a_panic_in_a_futures_drop_does_not_break_the_loop() {
    let v = aio::run(async {
        // Finishing normally, then the future's drop panics: the value stands.
        let t = aio::spawn(Holder(
            PanicOnDrop,
            Box::pin(async {
                aio::yield_now().await;
                1
            }),
        ));
        assert_eq!(t.await.unwrap(), 1);
        // Cancelled: dropping it panics.
        let t = aio::spawn(Holder(
            PanicOnDrop,
            Box::pin(aio::sleep(Duration::from_secs(3600))),
        ));
        aio::yield_now().await;
        t.cancel();
        assert!(t.await.unwrap_err().is_cancelled());
        // Left pending at the end of run: dropped at close, panicking.
        aio::spawn(Holder(
            PanicOnDrop,
            Box::pin(aio::sleep(Duration::from_secs(3600))),
        ))
        .detach();
        aio::yield_now().await;
        2
    });
    assert_eq!(v, 2);
}

#[test]
fn a_panic_in_a_wakers_wake_does_not_break_the_loop() {
    struct Bomb(AtomicUsize);
    impl Wake for Bomb {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
            panic!("wake failed");
        }
    }
    /// Polls `fut` once with a waker whose wake panics (and keeps it alive).
    fn poll_with_bomb<F: Future>(fut: Pin<&mut F>, bomb: &Arc<Bomb>) {
        let w = Waker::from(bomb.clone());
        assert!(fut.poll(&mut Context::from_waker(&w)).is_pending());
    }
    let bomb = Arc::new(Bomb(AtomicUsize::new(0)));
    let b = bomb.clone();
    let v = aio::run(async move {
        // A timer whose waker panics when it fires.
        let mut sleep = Box::pin(aio::sleep(Duration::from_millis(5)));
        poll_with_bomb(sleep.as_mut(), &b);
        // A task whose join waker panics when it completes.
        let mut t = aio::spawn(async { aio::sleep(Duration::from_millis(5)).await });
        poll_with_bomb(Pin::new(&mut t), &b);
        aio::sleep(Duration::from_millis(100)).await;
        assert!(t.done());
        3
    });
    assert_eq!(v, 3);
    assert_eq!(bomb.0.load(Ordering::SeqCst), 2);
}
