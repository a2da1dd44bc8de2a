//! Stress across loops: a million items through one channel while sends and receives
//! are cancelled at random, thousands of remote tasks (some panicking) between two
//! loops, a loop ending while remote work is queued and running, and handles to the
//! ended loops. At the end every item arrived once and in order, every remote task
//! resolved, and nothing leaked.
//!
//! Knobs: `AIO_STRESS_ITEMS` (default 1 000 000, the items through the channel) and
//! `AIO_STRESS_REMOTE` (default 20 000 remote tasks). It is a `harness = false` test (a
//! plain `main`, no libtest threads), so that valgrind sees only what the runtime does.
//! Under valgrind, smaller:
//!
//! ```text
//! cargo test -p aio-runtime --test cores_stress --no-run   # prints the binary path
//! AIO_STRESS_ITEMS=20000 AIO_STRESS_REMOTE=2000 \
//!     valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite <that binary>
//! ```

use std::cell::Cell;
use std::future::poll_fn;
use std::pin::pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::time::{Duration, Instant};

use aio_runtime::{self as aio, LoopHandle};

fn knob(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(v) => v
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a number, got {v:?}")),
        Err(_) => default,
    }
}

/// xorshift64*: deterministic, seeded per task.
struct Rng(Cell<u64>);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(Cell::new(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1))
    }

    fn below(&self, n: u64) -> u64 {
        let mut x = self.0.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0.set(x);
        x.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}

/// Polls `fut` at most `polls + 1` times (waking itself in between, so it races the
/// other tasks of its loop), then gives up and drops it: a cancellation at a random
/// point, possibly after `fut` was woken and before it ran.
async fn race<F: Future>(fut: F, polls: u64) -> Option<F::Output> {
    let mut fut = pin!(fut);
    let mut left = polls;
    poll_fn(|cx| {
        if let Poll::Ready(v) = fut.as_mut().poll(cx) {
            return Poll::Ready(Some(v));
        }
        if left == 0 {
            return Poll::Ready(None);
        }
        left -= 1;
        cx.waker().wake_by_ref();
        Poll::Pending
    })
    .await
}

/// Sends `value` with random cancellations, retrying until it is queued.
async fn send_with_cancels(tx: &aio::Sender<(u32, u64)>, value: (u32, u64), rng: &Rng) {
    loop {
        let sent = match rng.below(8) {
            0..=4 => Some(tx.send(value).await),
            5 | 6 => race(tx.send(value), rng.below(3)).await,
            _ => aio::wait_for(Duration::from_micros(rng.below(200)), tx.send(value))
                .await
                .ok(),
        };
        match sent {
            Some(r) => return r.expect("the receiver outlives the senders"),
            None => continue, // cancelled: nothing was queued, send it again
        }
    }
}

/// One channel, `items` items from five senders: three tasks on loop 0, one task on
/// loop 1 (the receiver's own loop) and one plain thread; the receiver on loop 1
/// cancels its receives at random. Every sender's items arrive once, in order.
fn channel_in_order_under_random_cancellation(items: u64) {
    const SENDERS: u32 = 5;
    let per_sender = items / u64::from(SENDERS);
    let (tx, rx) = aio::channel::<(u32, u64)>(64);
    let rx = Mutex::new(Some(rx));
    let thread_tx = tx.clone();
    let thread = std::thread::spawn(move || {
        for seq in 0..per_sender {
            if seq % 3 == 0 {
                // try_send until it fits, the rest blocking.
                let mut v = (4, seq);
                while let Err(e) = thread_tx.try_send(v) {
                    assert!(matches!(e, aio::TrySendError::Full(_)));
                    v = e.into_inner();
                    std::thread::yield_now();
                }
            } else {
                thread_tx.send_blocking((4, seq)).unwrap();
            }
        }
    });
    let local_tx = Mutex::new(Some(tx.clone()));
    let tx = Mutex::new(Some(tx));
    let results = aio::run_on_cores(2, |i| {
        let (tx, rx, local_tx) = (&tx, &rx, &local_tx);
        async move {
            if i == 0 {
                let tx = tx.lock().unwrap().take().unwrap();
                let senders: Vec<_> = (0..3u32)
                    .map(|id| {
                        let tx = tx.clone();
                        aio::spawn(async move {
                            let rng = Rng::new(u64::from(id) + 1);
                            for seq in 0..per_sender {
                                // aio-lint: allow(sequential_await_in_loop) the order is the test
                                send_with_cancels(&tx, (id, seq), &rng).await;
                            }
                        })
                    })
                    .collect();
                drop(tx);
                for s in senders {
                    s.await.unwrap();
                }
                0
            } else {
                let mut rx = rx.lock().unwrap().take().unwrap();
                let local_tx = local_tx.lock().unwrap().take().unwrap();
                let local = aio::spawn(async move {
                    let rng = Rng::new(99);
                    for seq in 0..per_sender {
                        // aio-lint: allow(sequential_await_in_loop) the order is the test
                        send_with_cancels(&local_tx, (3, seq), &rng).await;
                    }
                });
                let rng = Rng::new(7);
                let mut next = [0u64; SENDERS as usize];
                let mut received = 0u64;
                loop {
                    let got = match rng.below(8) {
                        0..=4 => Some(rx.recv().await),
                        5 | 6 => race(rx.recv(), rng.below(3)).await,
                        _ => aio::wait_for(Duration::from_micros(rng.below(200)), rx.recv())
                            .await
                            .ok(),
                    };
                    let Some(item) = got else {
                        continue; // this receive was cancelled
                    };
                    let Some((id, seq)) = item else {
                        break; // every sender is gone and the queue is empty
                    };
                    let expected = &mut next[id as usize];
                    assert_eq!(seq, *expected, "sender {id}: out of order, lost or twice");
                    *expected += 1;
                    received += 1;
                }
                local.await.unwrap();
                assert!(next.iter().all(|&n| n == per_sender), "{next:?}");
                received
            }
        }
    });
    thread.join().unwrap();
    let received = *results[1].as_ref().unwrap();
    assert!(results[0].is_ok());
    assert_eq!(received, per_sender * u64::from(SENDERS));
}

/// `count` remote tasks from loop 0 to loop 1 and back, a hundred at a time, with a
/// `call_soon` before every tenth; one task in 97 panics.
fn remote_tasks_between_loops(count: u64) {
    let (handle_tx, handle_rx) = aio::channel::<LoopHandle>(1);
    let (stop_tx, stop_rx) = aio::channel::<()>(1);
    let slots = Mutex::new((
        Some(handle_tx),
        Some(handle_rx),
        Some(stop_tx),
        Some(stop_rx),
    ));
    let calls = Arc::new(AtomicU64::new(0));
    let results = aio::run_on_cores(2, |i| {
        let (slots, calls) = (&slots, calls.clone());
        async move {
            if i == 1 {
                let (tx, mut stop) = {
                    let mut s = slots.lock().unwrap();
                    (s.0.take().unwrap(), s.3.take().unwrap())
                };
                tx.send(aio::current_loop()).await.unwrap();
                // Loop 0 ends this loop by dropping the stop sender.
                assert_eq!(stop.recv().await, None);
                return 0;
            }
            let (mut rx, stop) = {
                let mut s = slots.lock().unwrap();
                (s.1.take().unwrap(), s.2.take().unwrap())
            };
            let other = rx.recv().await.unwrap();
            let me = std::thread::current().id();
            let mut ok = 0u64;
            for first in (0..count).step_by(100) {
                let batch: Vec<_> = (first..(first + 100).min(count))
                    .map(|j| {
                        if j % 10 == 0 {
                            let calls = calls.clone();
                            other
                                .call_soon(move || {
                                    calls.fetch_add(1, Ordering::Relaxed);
                                })
                                .unwrap();
                        }
                        other.spawn(move || async move {
                            assert_ne!(std::thread::current().id(), me);
                            if j % 97 == 0 {
                                panic!("remote task {j} fails");
                            }
                            aio::yield_now().await;
                            j * 2
                        })
                    })
                    .collect();
                for (j, task) in (first..).zip(batch) {
                    match task.await {
                        Ok(v) => {
                            assert_eq!(v, j * 2);
                            ok += 1;
                        }
                        Err(e) => {
                            assert_eq!(j % 97, 0, "{e}");
                            let msg = format!("remote task {j} fails");
                            assert_eq!(e.panic_message(), Some(msg.as_str()));
                        }
                    }
                }
            }
            drop(stop);
            ok
        }
    });
    assert_eq!(*results[0].as_ref().unwrap(), count - count.div_ceil(97));
    assert!(results[1].is_ok());
    // Jobs run in order: each call_soon ran before the tasks sent after it finished.
    assert_eq!(calls.load(Ordering::Relaxed), count.div_ceil(10));
}

/// Loop 0 floods loop 1 with remote tasks (some long-running) while loop 1 ends: every
/// task resolves, as a result or as cancelled, and none hangs. Then the handles of both
/// ended loops refuse work at once.
fn a_loop_ending_under_remote_load_resolves_everything() {
    let (handle_tx, handle_rx) = aio::channel::<LoopHandle>(2);
    let slots = Mutex::new((Some(handle_rx), Some(handle_tx)));
    let ends = Arc::new(AtomicUsize::new(0));
    let results = aio::run_on_cores(2, |i| {
        let slots = &slots;
        let ends = ends.clone();
        async move {
            if i == 1 {
                let tx = slots.lock().unwrap().1.take().unwrap();
                tx.send(aio::current_loop()).await.unwrap();
                // Run a little while the remote tasks pour in, then end.
                aio::sleep(Duration::from_millis(30)).await;
                ends.fetch_add(1, Ordering::SeqCst);
                return (0, 0);
            }
            let mut rx = slots.lock().unwrap().0.take().unwrap();
            let other = rx.recv().await.unwrap();
            let mut tasks = Vec::new();
            let started = Instant::now();
            while !other.is_closed() && started.elapsed() < Duration::from_secs(10) {
                for _ in 0..50 {
                    tasks.push(other.spawn(|| async {
                        aio::sleep(Duration::from_millis(5)).await;
                        1u8
                    }));
                    tasks.push(other.spawn(std::future::pending::<u8>));
                }
                aio::sleep(Duration::from_millis(1)).await;
            }
            assert!(other.is_closed(), "loop 1 ended");
            let (mut done, mut cancelled) = (0, 0);
            for t in tasks {
                match t.await {
                    Ok(1) => done += 1,
                    Ok(v) => panic!("unexpected {v}"),
                    Err(e) => {
                        assert!(e.is_cancelled(), "{e}");
                        cancelled += 1;
                    }
                }
            }
            // After the end: refused at once.
            assert!(
                other
                    .spawn(|| async { 0u8 })
                    .await
                    .unwrap_err()
                    .is_cancelled()
            );
            assert_eq!(other.call_soon(|| ()), Err(aio::LoopClosed));
            (done, cancelled)
        }
    });
    let (done, cancelled) = *results[0].as_ref().unwrap();
    assert_eq!(ends.load(Ordering::SeqCst), 1);
    assert!(cancelled >= done, "at least the pending half was cancelled");
    assert!(cancelled > 0);
}

fn main() {
    // The remote tasks that panic on purpose would print a report each.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let planned = info
            .payload()
            .downcast_ref::<String>()
            .is_some_and(|m| m.starts_with("remote task ") && m.ends_with(" fails"));
        if !planned {
            default_hook(info);
        }
    }));
    let items = knob("AIO_STRESS_ITEMS", 1_000_000);
    let remote = knob("AIO_STRESS_REMOTE", 20_000);
    let started = Instant::now();
    channel_in_order_under_random_cancellation(items);
    let channel = started.elapsed();
    remote_tasks_between_loops(remote);
    a_loop_ending_under_remote_load_resolves_everything();
    println!(
        "cores_stress: {items} items in order through the channel ({channel:.2?}), \
         {remote} remote tasks, a loop ended under load: ok ({:.2?})",
        started.elapsed()
    );
}
