//! Timers: order, precision, zero and huge durations, timeouts, and the paused clock.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use aio_runtime::{self as aio, Runtime, time};

/// Miri's clock advances 5 µs per interpreted basic block, so starting a task takes
/// milliseconds there: timers that must not be overtaken by that work are spaced wider.
/// (Waiting is free under Miri: its clock jumps while every thread sleeps.)
const GAP: Duration = Duration::from_millis(if cfg!(miri) { 200 } else { 1 });

#[test]
fn sleepers_wake_in_deadline_order() {
    let order = Rc::new(RefCell::new(Vec::new()));
    let o = order.clone();
    aio::run(async move {
        let mut tasks = Vec::new();
        for ms in [60u32, 20, 40, 0, 10] {
            let o = o.clone();
            tasks.push(aio::spawn(async move {
                aio::sleep(GAP * ms).await;
                o.borrow_mut().push(ms);
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
    });
    assert_eq!(*order.borrow(), [0, 10, 20, 40, 60]);
}

#[test]
fn timers_fire_no_earlier_than_asked_with_sub_millisecond_precision() {
    aio::run(async {
        for us in [150u64, 400, 1_500] {
            let d = Duration::from_micros(us);
            let start = Instant::now();
            aio::sleep(d).await;
            let took = start.elapsed();
            assert!(took >= d, "woke after {took:?}, asked {d:?}");
            // Generous upper bound: the machine is shared. The lower bound is the guarantee.
            assert!(took < d + Duration::from_millis(200), "{took:?} for {d:?}");
        }
        let deadline = Instant::now() + Duration::from_micros(700);
        aio::sleep_until(deadline).await;
        assert!(Instant::now() >= deadline);
    });
}

#[test]
fn sleep_zero_is_a_plain_yield() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let l = log.clone();
    // On a paused clock a timer, even of 1 ms, would move the clock; a yield does not.
    let rt = Runtime::builder().start_paused(true).build().unwrap();
    rt.block_on(async move {
        let l2 = l.clone();
        aio::spawn(async move { l2.borrow_mut().push("other") }).detach();
        let t0 = time::now();
        aio::sleep(Duration::ZERO).await;
        l.borrow_mut().push("after sleep(0)");
        assert_eq!(time::now(), t0);
    });
    assert_eq!(*log.borrow(), ["other", "after sleep(0)"]);
}

#[test]
fn huge_durations_and_past_deadlines_work() {
    aio::run(async {
        // Duration::MAX must not overflow; it just never fires in practice.
        let r = aio::wait_for(Duration::from_millis(10), aio::sleep(Duration::MAX)).await;
        assert!(r.is_err());
        let r = aio::wait_for(Duration::MAX, async { 5 }).await;
        assert_eq!(r, Ok(5));
        // A past deadline completes at once.
        let start = Instant::now();
        aio::sleep_until(Instant::now() - Duration::from_secs(1)).await;
        assert!(start.elapsed() < Duration::from_secs(1));
        // A past timeout still gives a ready future its poll.
        let r = aio::timeout_at(Instant::now() - Duration::from_secs(1), async { 1 }).await;
        assert_eq!(r, Ok(1));
        let r = aio::timeout_at(Instant::now(), aio::sleep(Duration::from_secs(1))).await;
        assert_eq!(r, Err(aio::Elapsed::clone(&r.unwrap_err())));
    });
}

struct DropCounter(Arc<AtomicUsize>);
impl Drop for DropCounter {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn wait_for_drops_the_inner_future_on_timeout() {
    let drops = Arc::new(AtomicUsize::new(0));
    let d = drops.clone();
    aio::run(async move {
        let guard = DropCounter(d.clone());
        let inner = async move {
            let _g = guard;
            aio::sleep(Duration::from_secs(3600)).await;
            "never"
        };
        let mut timeout = std::pin::pin!(aio::wait_for(Duration::from_millis(20), inner));
        let r = std::future::poll_fn(|cx| timeout.as_mut().poll(cx)).await;
        assert_eq!(r, Err(aio::Elapsed::clone(&r.unwrap_err())));
        // Dropped when the timeout fired, before the Timeout future itself is dropped.
        assert_eq!(d.load(Ordering::SeqCst), 1);

        let r = aio::wait_for(Duration::from_secs(1), async {
            aio::sleep(Duration::from_millis(5)).await;
            "done"
        })
        .await;
        assert_eq!(r, Ok("done"));
    });
    assert_eq!(drops.load(Ordering::SeqCst), 1);
}

#[test]
fn elapsed_error_displays() {
    aio::run(async {
        let e = aio::wait_for(Duration::from_millis(1), aio::sleep(Duration::from_secs(1)))
            .await
            .unwrap_err();
        assert_eq!(e.to_string(), "deadline has elapsed");
    });
}

#[test]
fn cancelled_timers_do_not_delay_the_loop() {
    aio::run(async {
        // Many long timers registered and cancelled: the loop must not wait for them.
        for _ in 0..if cfg!(miri) { 300 } else { 10_000 } {
            let r = aio::wait_for(Duration::from_secs(3600), async { 1 }).await;
            assert_eq!(r, Ok(1));
            let mut s = std::pin::pin!(aio::sleep(Duration::from_secs(3600)));
            let polled = std::future::poll_fn(|cx| {
                let _ = s.as_mut().poll(cx);
                std::task::Poll::Ready(())
            });
            polled.await;
        }
        let start = Instant::now();
        aio::sleep(Duration::from_millis(5)).await;
        assert!(start.elapsed() < Duration::from_millis(500));
    });
}

#[test]
fn paused_clock_runs_twelve_simulated_hours_at_once() {
    let rt = Runtime::builder().start_paused(true).build().unwrap();
    let real = Instant::now();
    // A tick a minute; every ten minutes under Miri.
    let tick: u64 = if cfg!(miri) { 600 } else { 60 };
    let (ticks, simulated) = rt.block_on(async {
        let start = time::now();
        let ticker = aio::spawn(async move {
            let mut n = 0;
            for _ in 0..12 * 3600 / tick {
                aio::sleep(Duration::from_secs(tick)).await;
                n += 1;
            }
            n
        });
        aio::sleep(Duration::from_secs(12 * 3600)).await;
        (ticker.await.unwrap(), time::now() - start)
    });
    assert_eq!(ticks, 12 * 3600 / tick);
    assert!(simulated >= Duration::from_secs(12 * 3600));
    // Under Miri, `Instant` is its virtual clock, which advances with the interpreted
    // work: still far below the twelve hours a real wait would add to it.
    let bound = Duration::from_secs(if cfg!(miri) { 600 } else { 5 });
    assert!(real.elapsed() < bound, "took {:?}", real.elapsed());
}

#[test]
fn pause_and_advance() {
    aio::run(async {
        time::pause();
        let t0 = time::now();
        let fired = Rc::new(RefCell::new(false));
        let f = fired.clone();
        let sleeper = aio::spawn(async move {
            aio::sleep(Duration::from_secs(10)).await;
            *f.borrow_mut() = true;
        });
        aio::yield_now().await;
        time::advance(Duration::from_secs(9)).await;
        assert!(!*fired.borrow());
        assert_eq!(time::now() - t0, Duration::from_secs(9));
        time::advance(Duration::from_secs(1)).await;
        assert!(
            *fired.borrow(),
            "advance wakes due timers and lets them run"
        );
        sleeper.await.unwrap();
        time::resume();
        let before = Instant::now();
        aio::sleep(Duration::from_millis(5)).await;
        assert!(
            before.elapsed() >= Duration::from_millis(5),
            "real time again"
        );
    });
}

#[test]
fn a_sleep_moved_to_another_runtime_registers_there() {
    // Registered with `a` (one poll), then awaited on `b`, whose table has a timer of its own
    // in the same slot with the same sequence number: `b` must tell the loops apart and
    // register the moved sleep anew, not take over its own timer's entry.
    let a = Runtime::builder().start_paused(true).build().unwrap();
    let b = Runtime::builder().start_paused(true).build().unwrap();
    let mut moved = Box::pin(aio::sleep(Duration::from_secs(10)));
    a.block_on(async {
        let first =
            std::future::poll_fn(|cx| std::task::Poll::Ready(moved.as_mut().poll(cx).is_pending()));
        assert!(first.await, "registered with a");
    });
    b.block_on(async {
        let own = aio::spawn(aio::sleep(Duration::from_secs(3600)));
        aio::yield_now().await;
        let start = time::now();
        moved.as_mut().await;
        let waited = time::now() - start;
        // About 10 s (the sleep's deadline was taken on the real clock, before b's clock
        // was paused): not the hour of b's own timer.
        assert!(waited < Duration::from_secs(60), "waited {waited:?}");
        assert!(!own.done());
    });
}
