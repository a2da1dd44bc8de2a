//! Runtime benchmarks: aio beside tokio (current_thread) and smol (LocalExecutor), the same
//! workloads in one run.
//!
//! - `spawn_join`: spawn 200k trivial tasks, then await every handle (per task).
//! - `yield`: 1000 tasks x 1000 yields (per yield).
//! - `timers`: 100k tasks sleeping 10..60 ms; the measured time is the overhead beyond the
//!   longest sleep (per run).
//! - `ping_pong`: two tasks handing a baton back and forth (per hand-over).
//! - `cancelled_timer`: a one-hour timeout armed around a future that yields once, then
//!   cancelled when it completes (per timeout), followed by a 1 ms sleep that must not pay
//!   for the cancelled timers.
//!
//! Run: `cargo bench --bench runtime -- --warm-up-time 1 --measurement-time 2`.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const SPAWN_N: u64 = 200_000;
const YIELD_TASKS: u64 = 1000;
const YIELDS: u64 = 1000;
const TIMERS: u64 = 100_000;
const PING_PONGS: u64 = 100_000;

fn tokio_rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap()
}

fn spawn_join(c: &mut Criterion) {
    let mut g = c.benchmark_group("spawn_join");
    g.throughput(Throughput::Elements(SPAWN_N));
    g.sample_size(10);
    let rt = aio::Runtime::new().unwrap();
    g.bench_function("aio", |b| {
        b.iter(|| {
            rt.block_on(async {
                let hs: Vec<_> = (0..SPAWN_N).map(|i| aio::spawn(async move { i })).collect();
                let mut sum = 0;
                for h in hs {
                    sum += h.await.unwrap();
                }
                sum
            })
        })
    });
    let rt = tokio_rt();
    g.bench_function("tokio", |b| {
        b.iter(|| {
            rt.block_on(async {
                let hs: Vec<_> = (0..SPAWN_N)
                    .map(|i| tokio::spawn(async move { i }))
                    .collect();
                let mut sum = 0;
                for h in hs {
                    sum += h.await.unwrap();
                }
                sum
            })
        })
    });
    let ex = smol::LocalExecutor::new();
    g.bench_function("smol", |b| {
        b.iter(|| {
            smol::block_on(ex.run(async {
                let hs: Vec<_> = (0..SPAWN_N).map(|i| ex.spawn(async move { i })).collect();
                let mut sum = 0;
                for h in hs {
                    sum += h.await;
                }
                sum
            }))
        })
    });
    g.finish();
}

fn yields(c: &mut Criterion) {
    let mut g = c.benchmark_group("yield");
    g.throughput(Throughput::Elements(YIELD_TASKS * YIELDS));
    g.sample_size(10);
    let rt = aio::Runtime::new().unwrap();
    g.bench_function("aio", |b| {
        b.iter(|| {
            rt.block_on(async {
                let hs: Vec<_> = (0..YIELD_TASKS)
                    .map(|_| {
                        aio::spawn(async {
                            for _ in 0..YIELDS {
                                aio::yield_now().await;
                            }
                        })
                    })
                    .collect();
                for h in hs {
                    h.await.unwrap();
                }
            })
        })
    });
    let rt = tokio_rt();
    g.bench_function("tokio", |b| {
        b.iter(|| {
            rt.block_on(async {
                let hs: Vec<_> = (0..YIELD_TASKS)
                    .map(|_| {
                        tokio::spawn(async {
                            for _ in 0..YIELDS {
                                tokio::task::yield_now().await;
                            }
                        })
                    })
                    .collect();
                for h in hs {
                    h.await.unwrap();
                }
            })
        })
    });
    let ex = smol::LocalExecutor::new();
    g.bench_function("smol", |b| {
        b.iter(|| {
            smol::block_on(ex.run(async {
                let hs: Vec<_> = (0..YIELD_TASKS)
                    .map(|_| {
                        ex.spawn(async {
                            for _ in 0..YIELDS {
                                smol::future::yield_now().await;
                            }
                        })
                    })
                    .collect();
                for h in hs {
                    h.await;
                }
            }))
        })
    });
    g.finish();
}

/// Sleep lengths of 10..60 ms, spread deterministically.
fn timer_ms(i: u64) -> u64 {
    10 + (i.wrapping_mul(2_654_435_761) >> 7) % 51
}

fn timers(c: &mut Criterion) {
    let longest = Duration::from_millis((0..TIMERS).map(timer_ms).max().unwrap());
    let mut g = c.benchmark_group("timers_overhead_beyond_longest_sleep");
    g.sample_size(10);
    let overhead = |f: &mut dyn FnMut(), iters: u64| {
        let mut total = Duration::ZERO;
        for _ in 0..iters {
            let start = Instant::now();
            f();
            total += start.elapsed().saturating_sub(longest);
        }
        total
    };
    let rt = aio::Runtime::new().unwrap();
    g.bench_function("aio", |b| {
        b.iter_custom(|iters| {
            overhead(
                &mut || {
                    rt.block_on(async {
                        let hs: Vec<_> = (0..TIMERS)
                            .map(|i| aio::spawn(aio::sleep(Duration::from_millis(timer_ms(i)))))
                            .collect();
                        for h in hs {
                            h.await.unwrap();
                        }
                    })
                },
                iters,
            )
        })
    });
    let rt = tokio_rt();
    g.bench_function("tokio", |b| {
        b.iter_custom(|iters| {
            overhead(
                &mut || {
                    rt.block_on(async {
                        let hs: Vec<_> = (0..TIMERS)
                            .map(|i| {
                                tokio::spawn(tokio::time::sleep(Duration::from_millis(timer_ms(i))))
                            })
                            .collect();
                        for h in hs {
                            h.await.unwrap();
                        }
                    })
                },
                iters,
            )
        })
    });
    let ex = smol::LocalExecutor::new();
    g.bench_function("smol", |b| {
        b.iter_custom(|iters| {
            overhead(
                &mut || {
                    smol::block_on(ex.run(async {
                        let hs: Vec<_> = (0..TIMERS)
                            .map(|i| {
                                ex.spawn(async move {
                                    smol::Timer::after(Duration::from_millis(timer_ms(i))).await;
                                })
                            })
                            .collect();
                        for h in hs {
                            h.await;
                        }
                    }))
                },
                iters,
            )
        })
    });
    g.finish();
}

/// A baton for two tasks: the same runtime-neutral hand-over code on every runtime, so the
/// difference measured is the wake-and-switch cost.
struct Baton {
    turn: AtomicBool,
    wakers: Mutex<[Option<Waker>; 2]>,
}

impl Baton {
    fn new() -> Arc<Baton> {
        Arc::new(Baton {
            turn: AtomicBool::new(false),
            wakers: Mutex::new([None, None]),
        })
    }
    fn wait(self: &Arc<Self>, side: bool) -> impl Future<Output = ()> + '_ {
        WaitTurn { baton: self, side }
    }
    fn pass(&self, to: bool) {
        self.turn.store(to, Ordering::Release);
        if let Some(w) = self.wakers.lock().unwrap()[to as usize].take() {
            w.wake();
        }
    }
}

struct WaitTurn<'a> {
    baton: &'a Baton,
    side: bool,
}

impl Future for WaitTurn<'_> {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.baton.turn.load(Ordering::Acquire) == self.side {
            return Poll::Ready(());
        }
        self.baton.wakers.lock().unwrap()[self.side as usize] = Some(cx.waker().clone());
        if self.baton.turn.load(Ordering::Acquire) == self.side {
            return Poll::Ready(());
        }
        Poll::Pending
    }
}

async fn player(baton: Arc<Baton>, side: bool) {
    for _ in 0..PING_PONGS / 2 {
        baton.wait(side).await;
        baton.pass(!side);
    }
}

fn ping_pong(c: &mut Criterion) {
    let mut g = c.benchmark_group("ping_pong");
    g.throughput(Throughput::Elements(PING_PONGS));
    g.sample_size(10);
    let rt = aio::Runtime::new().unwrap();
    g.bench_function("aio", |b| {
        b.iter(|| {
            rt.block_on(async {
                let baton = Baton::new();
                let a = aio::spawn(player(baton.clone(), false));
                let b = aio::spawn(player(baton, true));
                a.await.unwrap();
                b.await.unwrap();
            })
        })
    });
    let rt = tokio_rt();
    g.bench_function("tokio", |b| {
        b.iter(|| {
            rt.block_on(async {
                let baton = Baton::new();
                let a = tokio::spawn(player(baton.clone(), false));
                let b = tokio::spawn(player(baton, true));
                a.await.unwrap();
                b.await.unwrap();
            })
        })
    });
    let ex = smol::LocalExecutor::new();
    g.bench_function("smol", |b| {
        b.iter(|| {
            smol::block_on(ex.run(async {
                let baton = Baton::new();
                let a = ex.spawn(player(baton.clone(), false));
                let b = ex.spawn(player(baton, true));
                a.await;
                b.await;
            }))
        })
    });
    g.finish();
}

const CANCELLED: u64 = 100_000;

fn cancelled_timers(c: &mut Criterion) {
    let mut g = c.benchmark_group("cancelled_timer");
    g.throughput(Throughput::Elements(CANCELLED));
    g.sample_size(10);
    let hour = Duration::from_secs(3600);
    let rt = aio::Runtime::new().unwrap();
    g.bench_function("aio", |b| {
        b.iter(|| {
            rt.block_on(async {
                for _ in 0..CANCELLED {
                    aio::wait_for(hour, aio::yield_now()).await.unwrap();
                }
                aio::sleep(Duration::from_millis(1)).await;
            })
        })
    });
    let rt = tokio_rt();
    g.bench_function("tokio", |b| {
        b.iter(|| {
            rt.block_on(async {
                for _ in 0..CANCELLED {
                    tokio::time::timeout(hour, tokio::task::yield_now())
                        .await
                        .unwrap();
                }
                tokio::time::sleep(Duration::from_millis(1)).await;
            })
        })
    });
    let ex = smol::LocalExecutor::new();
    g.bench_function("smol", |b| {
        b.iter(|| {
            smol::block_on(ex.run(async {
                for _ in 0..CANCELLED {
                    smol::future::or(
                        async {
                            smol::future::yield_now().await;
                            Some(())
                        },
                        async {
                            smol::Timer::after(hour).await;
                            None
                        },
                    )
                    .await
                    .unwrap();
                }
                smol::Timer::after(Duration::from_millis(1)).await;
            }))
        })
    });
    g.finish();
}

criterion_group!(
    benches,
    spawn_join,
    yields,
    ping_pong,
    timers,
    cancelled_timers
);
criterion_main!(benches);
