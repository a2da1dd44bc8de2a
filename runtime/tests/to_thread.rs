//! to_thread / spawn_blocking: the loop keeps running during a blocking call,
//! panics become TaskError::Panicked, and a saturated pool queues jobs.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use aio_runtime::{max_blocking_threads, sleep, spawn, spawn_blocking, to_thread};

#[test]
fn a_ticker_keeps_ticking_during_a_blocking_call() {
    let log = Rc::new(RefCell::new(Vec::new()));
    aio_runtime::run({
        let log = log.clone();
        async move {
            let ticker = spawn({
                let log = log.clone();
                async move {
                    for i in 0..1000 {
                        log.borrow_mut().push(format!("tick {i}"));
                        sleep(Duration::from_millis(5)).await;
                    }
                }
            });
            let v = to_thread(|| {
                std::thread::sleep(Duration::from_millis(100));
                42
            })
            .await
            .unwrap();
            log.borrow_mut().push(format!("blocking done {v}"));
            ticker.cancel();
        }
    });
    let log = log.borrow();
    let done = log.iter().position(|l| l == "blocking done 42").unwrap();
    // 100 ms / 5 ms = 20 ticks if the loop never stalled; demand a generous 5.
    assert!(done >= 5, "the ticker ran during the call: {log:?}");
}

#[test]
fn a_panic_in_the_closure_is_the_tasks_error() {
    let err = aio_runtime::run(async { spawn_blocking(|| -> u8 { panic!("sync boom") }).await })
        .unwrap_err();
    assert!(err.is_panic());
    assert_eq!(err.panic_message(), Some("sync boom"));
}

#[test]
fn a_saturated_pool_queues_jobs_and_loses_none() {
    let jobs = max_blocking_threads() * 3;
    let running = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let results = aio_runtime::run(aio_runtime::gather((0..jobs).map(|i| {
        let (running, peak) = (running.clone(), peak.clone());
        to_thread(move || {
            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(10));
            running.fetch_sub(1, Ordering::SeqCst);
            i
        })
    })));
    let values: Vec<usize> = results.into_iter().map(Result::unwrap).collect();
    assert_eq!(values, (0..jobs).collect::<Vec<_>>());
    let peak = peak.load(Ordering::SeqCst);
    assert!(peak <= max_blocking_threads(), "bounded: {peak}");
    assert!(peak > 1, "jobs ran in parallel");
}

#[test]
fn nothing_runs_until_awaited() {
    let ran = Arc::new(AtomicUsize::new(0));
    aio_runtime::run({
        let ran = ran.clone();
        async move {
            let fut = to_thread(move || ran.fetch_add(1, Ordering::SeqCst));
            sleep(Duration::from_millis(20)).await;
            drop(fut);
        }
    });
    std::thread::sleep(Duration::from_millis(20));
    assert_eq!(ran.load(Ordering::SeqCst), 0);
}

#[test]
fn a_paused_clock_waits_for_the_blocking_job_instead_of_jumping_ahead() {
    let rt = aio_runtime::Runtime::builder()
        .start_paused(true)
        .build()
        .unwrap();
    let log = RefCell::new(Vec::new());
    rt.block_on(aio_runtime::gather!(
        async {
            to_thread(|| std::thread::sleep(Duration::from_millis(30)))
                .await
                .unwrap();
            log.borrow_mut().push("thread");
        },
        async {
            sleep(Duration::from_secs(3600)).await;
            log.borrow_mut().push("timer");
        },
    ));
    assert_eq!(*log.borrow(), ["thread", "timer"]);
}
