//! Queue and I/O benchmarks: aio beside tokio (current_thread) and smol
//! (`LocalExecutor`), the same workloads in one run.
//!
//! - `queue_ping_pong`: two tasks bounce a value through two bounded(1)
//!   queues: aio `Queue` vs tokio `mpsc` vs `async-channel` (per round trip).
//! - `tcp_echo`: one client streams 1 MiB through an echo server on loopback
//!   in 16 KiB writes while reading the echo concurrently (bytes per second).
//! - `tcp_echo_32`: 32 clients at once, 64 KiB each (bytes per second).
//! - `gather_10k`: gather 10k futures that each yield 10 times: aio `gather`
//!   vs `futures::future::join_all` on tokio and on smol (per child wake-up).
//!   Polling every child on each wake would make this quadratic.
//!
//! Run: `cargo bench --bench io -- --warm-up-time 1 --measurement-time 2`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const PING_PONGS: u64 = 10_000;
#[path = "common/echo.rs"]
mod echo;

use echo::{aio_echo, smol_echo, tokio_echo, tokio_rt};

fn queue_ping_pong(c: &mut Criterion) {
    let mut g = c.benchmark_group("queue_ping_pong");
    g.throughput(Throughput::Elements(PING_PONGS));
    let rt = aio::Runtime::new().unwrap();
    g.bench_function("aio", |b| {
        b.iter(|| {
            rt.block_on(async {
                let (ping, pong) = (aio::Queue::bounded(1), aio::Queue::bounded(1));
                let (rx, tx) = (ping.clone(), pong.clone());
                let echo = aio::spawn(async move {
                    while let Ok(x) = rx.get().await {
                        tx.put(x).await.unwrap();
                    }
                });
                for i in 0..PING_PONGS {
                    ping.put(i).await.unwrap();
                    assert_eq!(pong.get().await.unwrap(), i);
                }
                ping.close();
                echo.await.unwrap();
            })
        })
    });
    let rt = tokio_rt();
    g.bench_function("tokio_mpsc", |b| {
        b.iter(|| {
            rt.block_on(async {
                let (ping_tx, mut ping_rx) = tokio::sync::mpsc::channel(1);
                let (pong_tx, mut pong_rx) = tokio::sync::mpsc::channel(1);
                let echo = tokio::spawn(async move {
                    while let Some(x) = ping_rx.recv().await {
                        pong_tx.send(x).await.unwrap();
                    }
                });
                for i in 0..PING_PONGS {
                    ping_tx.send(i).await.unwrap();
                    assert_eq!(pong_rx.recv().await.unwrap(), i);
                }
                drop(ping_tx);
                echo.await.unwrap();
            })
        })
    });
    g.bench_function("smol_async_channel", |b| {
        let ex = smol::LocalExecutor::new();
        b.iter(|| {
            smol::future::block_on(ex.run(async {
                let (ping_tx, ping_rx) = async_channel::bounded(1);
                let (pong_tx, pong_rx) = async_channel::bounded(1);
                let echo = ex.spawn(async move {
                    while let Ok(x) = ping_rx.recv().await {
                        pong_tx.send(x).await.unwrap();
                    }
                });
                for i in 0..PING_PONGS {
                    ping_tx.send(i).await.unwrap();
                    assert_eq!(pong_rx.recv().await.unwrap(), i);
                }
                drop(ping_tx);
                echo.await;
            }))
        })
    });
    g.finish();
}

fn echo_group(c: &mut Criterion, name: &str, clients: usize, bytes: usize) {
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Bytes((clients * bytes) as u64));
    g.sample_size(10);
    g.bench_function("aio", |b| {
        b.iter_custom(|iters| aio_echo(iters, clients, bytes))
    });
    let rt = tokio_rt();
    g.bench_function("tokio", |b| {
        b.iter_custom(|iters| tokio_echo(&rt, iters, clients, bytes))
    });
    g.bench_function("smol", |b| {
        b.iter_custom(|iters| smol_echo(iters, clients, bytes))
    });
    g.finish();
}

fn tcp_echo(c: &mut Criterion) {
    echo_group(c, "tcp_echo", 1, 1 << 20);
    echo_group(c, "tcp_echo_32", 32, 64 << 10);
}

const GATHER_N: u64 = 10_000;
const GATHER_YIELDS: u64 = 10;

fn gather_10k(c: &mut Criterion) {
    let mut g = c.benchmark_group("gather_10k");
    g.throughput(Throughput::Elements(GATHER_N * GATHER_YIELDS));
    g.sample_size(10);
    let rt = aio::Runtime::new().unwrap();
    g.bench_function("aio", |b| {
        b.iter(|| {
            rt.block_on(aio::gather((0..GATHER_N).map(|i| async move {
                for _ in 0..GATHER_YIELDS {
                    aio::yield_now().await;
                }
                i
            })))
        })
    });
    let rt = tokio_rt();
    g.bench_function("tokio_join_all", |b| {
        b.iter(|| {
            rt.block_on(futures::future::join_all((0..GATHER_N).map(
                |i| async move {
                    for _ in 0..GATHER_YIELDS {
                        tokio::task::yield_now().await;
                    }
                    i
                },
            )))
        })
    });
    g.bench_function("smol_join_all", |b| {
        let ex = smol::LocalExecutor::new();
        b.iter(|| {
            smol::future::block_on(ex.run(futures::future::join_all((0..GATHER_N).map(
                |i| async move {
                    for _ in 0..GATHER_YIELDS {
                        smol::future::yield_now().await;
                    }
                    i
                },
            ))))
        })
    });
    g.finish();
}

criterion_group!(benches, queue_ping_pong, tcp_echo, gather_10k);
criterion_main!(benches);
