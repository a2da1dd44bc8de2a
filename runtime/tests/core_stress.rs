//! Stress: many tasks with random yields, timers, timeouts, queue traffic, children,
//! panics and cancels; at the end every future has been dropped exactly once.
//!
//! The suite runs 100k tasks (`AIO_STRESS_TASKS` changes it: 1M for the full run). It is a
//! `harness = false` test (a plain `main` on the main thread, no libtest threads), so that
//! valgrind sees only the runtime's allocations. Under valgrind, no error and no leak:
//!
//! ```text
//! cargo test -p aio-runtime --test core_stress --no-run   # prints the test binary path
//! AIO_STRESS_TASKS=20000 valgrind --tool=memcheck --error-exitcode=1 --leak-check=full <that binary>
//! ```

use std::cell::Cell;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use aio_runtime::{self as aio, Queue, Runtime, Task};

fn task_count() -> u64 {
    std::env::var("AIO_STRESS_TASKS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000)
}

/// Counts live futures: +1 when made, -1 when dropped.
struct Live(Arc<AtomicI64>);
impl Live {
    fn new(c: &Arc<AtomicI64>) -> Live {
        c.fetch_add(1, Ordering::Relaxed);
        Live(c.clone())
    }
}
impl Drop for Live {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// xorshift64*: deterministic, seeded per task.
struct Rng(Cell<u64>);
impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(Cell::new(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1))
    }
    fn next(&self) -> u64 {
        let mut x = self.0.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0.set(x);
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&self, n: u64) -> u64 {
        self.next() % n
    }
}

async fn worker(
    seed: u64,
    live: Arc<AtomicI64>,
    queue: Rc<Queue<u64>>,
    depth: u32,
    finished: Arc<AtomicU64>,
) -> u64 {
    let _live = Live::new(&live);
    let rng = Rng::new(seed);
    let mut acc = 0;
    for _ in 0..rng.below(4) + 1 {
        match rng.below(8) {
            0 | 1 => aio::yield_now().await,
            2 => aio::sleep(Duration::from_millis(rng.below(50))).await,
            3 => {
                let r = aio::wait_for(
                    Duration::from_millis(rng.below(20)),
                    aio::sleep(Duration::from_millis(rng.below(40))),
                )
                .await;
                acc += r.is_ok() as u64;
            }
            4 => {
                let _ = queue.try_put(seed);
            }
            5 => {
                if let Ok(Ok(v)) = aio::wait_for(Duration::from_millis(5), queue.get()).await {
                    acc += v & 1;
                }
            }
            6 if depth < 2 => {
                let child = aio::spawn(Box::pin(worker(
                    seed ^ 0xABCD,
                    live.clone(),
                    queue.clone(),
                    depth + 1,
                    finished.clone(),
                )));
                if rng.below(2) == 0 {
                    acc += child.await.unwrap_or(0);
                } else {
                    child.detach();
                }
            }
            _ => {
                if rng.below(50) == 0 {
                    panic!("worker {seed} failed on purpose");
                }
            }
        }
    }
    finished.fetch_add(1, Ordering::Relaxed);
    acc
}

fn stress(rt: &Runtime, n: u64, live: &Arc<AtomicI64>) {
    let finished = Arc::new(AtomicU64::new(0));
    let (ok, failed, cancelled) = rt.block_on(async {
        let queue = Rc::new(Queue::bounded(64));
        let rng = Rng::new(42);
        let (mut ok, mut failed, mut cancelled) = (0u64, 0u64, 0u64);
        let batch = 10_000.min(n);
        let mut spawned = 0;
        while spawned < n {
            let mut handles: Vec<Task<u64>> = (spawned..spawned + batch)
                .map(|i| aio::spawn(worker(i, live.clone(), queue.clone(), 0, finished.clone())))
                .collect();
            spawned += batch;
            aio::yield_now().await;
            for h in &handles {
                if rng.below(10) == 0 {
                    h.cancel();
                }
            }
            // Leave a few detached and unfinished: the runtime's close drops them.
            for h in handles.drain(..batch as usize / 100) {
                h.detach();
            }
            for h in handles {
                match h.await {
                    Ok(_) => ok += 1,
                    Err(e) if e.is_cancelled() => cancelled += 1,
                    Err(_) => failed += 1,
                }
            }
        }
        (ok, failed, cancelled)
    });
    assert!(
        ok > 0 && failed > 0 && cancelled > 0,
        "{ok} {failed} {cancelled}"
    );
    assert!(finished.load(Ordering::Relaxed) > 0);
}

fn main() {
    many_tasks_with_random_cancels_timers_and_queue_traffic_leak_nothing();
    println!("core_stress: ok ({} tasks)", task_count());
}

fn many_tasks_with_random_cancels_timers_and_queue_traffic_leak_nothing() {
    // Silence the deliberate panics of the workers.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|info| {
        let msg = info.payload().downcast_ref::<String>();
        if !msg.is_some_and(|m| m.contains("failed on purpose")) {
            eprintln!("{info}");
        }
    }));
    let live = Arc::new(AtomicI64::new(0));
    {
        let rt = Runtime::builder().start_paused(true).build().unwrap();
        stress(&rt, task_count(), &live);
        // Real time too, with fewer tasks (timers really wait).
        let rt2 = Runtime::new().unwrap();
        stress(&rt2, task_count().min(5_000), &live);
    }
    std::panic::set_hook(hook);
    assert_eq!(
        live.load(Ordering::SeqCst),
        0,
        "futures leaked or double-dropped"
    );
}
