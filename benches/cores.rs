//! Thread-per-core numbers, each workload on every contender in rotation, round after
//! round (like `echo_interleaved.rs`): the machine's noise lands on all of them alike.
//!
//! - `channel_throughput`: one producer thread sends N `u64`s through a bounded channel
//!   (capacity 1024) to one consumer thread. aio's channel between two aio loops
//!   (`send().await` / `recv().await`) and between two plain threads (`send_blocking` /
//!   `recv_blocking`); async-channel between two aio loops (the same runtime, so only the
//!   channel differs); crossbeam-channel between two plain threads (blocking); tokio's
//!   `mpsc` between two tasks of a 2-worker multi-thread runtime.
//! - `channel_ping_pong`: two threads bounce one value through two channels of capacity
//!   1; the time of a round trip. Also aio with both ends on one loop, which is where
//!   tokio's multi-thread runtime runs this pair of tasks (its LIFO slot keeps a woken
//!   task on the waking worker), so that row is not a cross-thread hop.
//! - `tcp_echo_cores`: the TCP echo of `common/echo.rs` served by 2 aio loops sharing the
//!   port (`bind_shared`, one accept loop per loop) against tokio's multi-thread runtime
//!   with 2 workers and smol's `Executor` on 2 threads, under the same client load (32
//!   clients, on a third thread, on an aio loop, for every server).
//!
//! The tokio runtime is built once and its threads stay up between rounds; aio's and
//! smol's server threads also stay up, while the channel workloads start their threads
//! (two per run) inside the measurement, about 0.1 ms of a run's 50 ms or more.
//!
//! Run: `cargo bench --bench cores` (`ROUNDS=n`, default 11; a filter argument selects
//! workloads by name: `throughput`, `ping_pong`, `tcp_echo_cores`).

#[path = "common/args.rs"]
mod args;
#[path = "common/echo.rs"]
#[allow(dead_code)] // only the aio client is used here
mod echo;

use std::net::SocketAddr;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const ITEMS: u64 = 1_000_000;
const CAPACITY: usize = 1024;
const ROUND_TRIPS: u64 = 20_000;

type Contender = (&'static str, Box<dyn Fn() -> Duration>);

/// Takes a value moved into a `Fn` closure that runs once per loop.
fn take<T>(slot: &Mutex<Option<T>>) -> T {
    slot.lock().unwrap().take().expect("taken once")
}

fn aio_async_throughput() -> Duration {
    let (tx, rx) = aio::channel::<u64>(CAPACITY);
    let (tx, rx) = (Mutex::new(Some(tx)), Mutex::new(Some(rx)));
    let start = Instant::now();
    let sums = aio::run_on_cores(2, |i| {
        let (tx, rx) = (&tx, &rx);
        async move {
            if i == 0 {
                let tx = take(tx);
                for k in 0..ITEMS {
                    tx.send(k).await.unwrap();
                }
                0
            } else {
                let mut rx = take(rx);
                let mut sum = 0;
                while let Some(k) = rx.recv().await {
                    sum += k;
                }
                sum
            }
        }
    });
    let took = start.elapsed();
    assert_eq!(sums[1].as_ref().unwrap(), &(ITEMS * (ITEMS - 1) / 2));
    took
}

fn aio_blocking_throughput() -> Duration {
    let (tx, mut rx) = aio::channel::<u64>(CAPACITY);
    let start = Instant::now();
    let producer = std::thread::spawn(move || {
        for k in 0..ITEMS {
            tx.send_blocking(k).unwrap();
        }
    });
    let mut sum = 0;
    while let Some(k) = rx.recv_blocking() {
        sum += k;
    }
    let took = start.elapsed();
    producer.join().unwrap();
    assert_eq!(sum, ITEMS * (ITEMS - 1) / 2);
    took
}

fn async_channel_throughput() -> Duration {
    let (tx, rx) = async_channel::bounded::<u64>(CAPACITY);
    let (tx, rx) = (Mutex::new(Some(tx)), Mutex::new(Some(rx)));
    let start = Instant::now();
    let sums = aio::run_on_cores(2, |i| {
        let (tx, rx) = (&tx, &rx);
        async move {
            if i == 0 {
                let tx = take(tx);
                for k in 0..ITEMS {
                    tx.send(k).await.unwrap();
                }
                0
            } else {
                let rx = take(rx);
                let mut sum = 0;
                while let Ok(k) = rx.recv().await {
                    sum += k;
                }
                sum
            }
        }
    });
    let took = start.elapsed();
    assert_eq!(sums[1].as_ref().unwrap(), &(ITEMS * (ITEMS - 1) / 2));
    took
}

fn crossbeam_throughput() -> Duration {
    let (tx, rx) = crossbeam_channel::bounded::<u64>(CAPACITY);
    let start = Instant::now();
    let producer = std::thread::spawn(move || {
        for k in 0..ITEMS {
            tx.send(k).unwrap();
        }
    });
    let mut sum = 0;
    while let Ok(k) = rx.recv() {
        sum += k;
    }
    let took = start.elapsed();
    producer.join().unwrap();
    assert_eq!(sum, ITEMS * (ITEMS - 1) / 2);
    took
}

fn tokio_mt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn tokio_throughput(rt: &tokio::runtime::Runtime) -> Duration {
    rt.block_on(async {
        let (tx, mut rx) = tokio::sync::mpsc::channel::<u64>(CAPACITY);
        let start = Instant::now();
        let producer = tokio::spawn(async move {
            for k in 0..ITEMS {
                tx.send(k).await.unwrap();
            }
        });
        let consumer = tokio::spawn(async move {
            let mut sum = 0;
            while let Some(k) = rx.recv().await {
                sum += k;
            }
            sum
        });
        producer.await.unwrap();
        let sum = consumer.await.unwrap();
        let took = start.elapsed();
        assert_eq!(sum, ITEMS * (ITEMS - 1) / 2);
        took
    })
}

fn aio_async_ping_pong() -> Duration {
    let (ping_tx, ping_rx) = aio::channel::<u64>(1);
    let (pong_tx, pong_rx) = aio::channel::<u64>(1);
    let halves = Mutex::new((Some((ping_tx, pong_rx)), Some((pong_tx, ping_rx))));
    let start = Instant::now();
    aio::run_on_cores(2, |i| {
        let halves = &halves;
        async move {
            if i == 0 {
                let (tx, mut rx) = halves.lock().unwrap().0.take().unwrap();
                for k in 0..ROUND_TRIPS {
                    tx.send(k).await.unwrap();
                    assert_eq!(rx.recv().await, Some(k));
                }
            } else {
                let (tx, mut rx) = halves.lock().unwrap().1.take().unwrap();
                while let Some(k) = rx.recv().await {
                    tx.send(k).await.unwrap();
                }
            }
        }
    });
    start.elapsed()
}

/// Both ends on one loop (what tokio's multi-thread runtime does with the two tasks of
/// this workload: its LIFO slot keeps them on one worker).
fn aio_one_loop_ping_pong() -> Duration {
    aio::run(async {
        let (ping_tx, mut ping_rx) = aio::channel::<u64>(1);
        let (pong_tx, mut pong_rx) = aio::channel::<u64>(1);
        let start = Instant::now();
        let echo = aio::spawn(async move {
            while let Some(k) = ping_rx.recv().await {
                pong_tx.send(k).await.unwrap();
            }
        });
        for k in 0..ROUND_TRIPS {
            ping_tx.send(k).await.unwrap();
            assert_eq!(pong_rx.recv().await, Some(k));
        }
        drop(ping_tx);
        echo.await.unwrap();
        start.elapsed()
    })
}

fn aio_blocking_ping_pong() -> Duration {
    let (ping_tx, mut ping_rx) = aio::channel::<u64>(1);
    let (pong_tx, mut pong_rx) = aio::channel::<u64>(1);
    let start = Instant::now();
    let echo = std::thread::spawn(move || {
        while let Some(k) = ping_rx.recv_blocking() {
            pong_tx.send_blocking(k).unwrap();
        }
    });
    for k in 0..ROUND_TRIPS {
        ping_tx.send_blocking(k).unwrap();
        assert_eq!(pong_rx.recv_blocking(), Some(k));
    }
    drop(ping_tx);
    echo.join().unwrap();
    start.elapsed()
}

fn async_channel_ping_pong() -> Duration {
    let (ping_tx, ping_rx) = async_channel::bounded::<u64>(1);
    let (pong_tx, pong_rx) = async_channel::bounded::<u64>(1);
    let start = Instant::now();
    aio::run_on_cores(2, |i| {
        let (ping_tx, ping_rx, pong_tx, pong_rx) = (
            ping_tx.clone(),
            ping_rx.clone(),
            pong_tx.clone(),
            pong_rx.clone(),
        );
        async move {
            if i == 0 {
                drop((ping_rx, pong_tx));
                for k in 0..ROUND_TRIPS {
                    ping_tx.send(k).await.unwrap();
                    assert_eq!(pong_rx.recv().await, Ok(k));
                }
                ping_tx.close();
            } else {
                drop((ping_tx, pong_rx));
                while let Ok(k) = ping_rx.recv().await {
                    pong_tx.send(k).await.unwrap();
                }
            }
        }
    });
    start.elapsed()
}

fn crossbeam_ping_pong() -> Duration {
    let (ping_tx, ping_rx) = crossbeam_channel::bounded::<u64>(1);
    let (pong_tx, pong_rx) = crossbeam_channel::bounded::<u64>(1);
    let start = Instant::now();
    let echo = std::thread::spawn(move || {
        while let Ok(k) = ping_rx.recv() {
            pong_tx.send(k).unwrap();
        }
    });
    for k in 0..ROUND_TRIPS {
        ping_tx.send(k).unwrap();
        assert_eq!(pong_rx.recv(), Ok(k));
    }
    drop(ping_tx);
    echo.join().unwrap();
    start.elapsed()
}

fn tokio_ping_pong(rt: &tokio::runtime::Runtime) -> Duration {
    rt.block_on(async {
        let (ping_tx, mut ping_rx) = tokio::sync::mpsc::channel::<u64>(1);
        let (pong_tx, mut pong_rx) = tokio::sync::mpsc::channel::<u64>(1);
        let start = Instant::now();
        let echo = tokio::spawn(async move {
            while let Some(k) = ping_rx.recv().await {
                pong_tx.send(k).await.unwrap();
            }
        });
        let driver = tokio::spawn(async move {
            for k in 0..ROUND_TRIPS {
                ping_tx.send(k).await.unwrap();
                assert_eq!(pong_rx.recv().await, Some(k));
            }
        });
        // Spawned (not run inline by block_on) so that both ends run on the workers.
        // aio-lint: allow(immediately_awaited_task) see above
        driver.await.unwrap();
        echo.await.unwrap();
        start.elapsed()
    })
}

/// The clients of `common/echo.rs` on their own aio loop (a third thread): `clients`
/// concurrent connections, each streaming `bytes` and reading the echo, `iters` times.
fn echo_clients(addr: SocketAddr, iters: u64, clients: usize, bytes: usize) -> Duration {
    std::thread::spawn(move || {
        aio::run(async move {
            let payload = Rc::new(vec![7u8; bytes]);
            let start = Instant::now();
            for _ in 0..iters {
                let rounds = (0..clients).map(|_| {
                    let payload = payload.clone();
                    async move {
                        echo::aio_client(addr, &payload).await;
                    }
                });
                aio::gather(rounds).await;
            }
            start.elapsed()
        })
    })
    .join()
    .unwrap()
}

/// A running echo server: its address and how to stop it.
struct Server {
    addr: SocketAddr,
    stop: Box<dyn FnOnce()>,
}

/// aio: 2 loops (threads), each with its own listener on the shared port, each serving
/// the connections the kernel hands it.
fn aio_server() -> Server {
    let (ready_tx, mut ready_rx) = aio::channel::<SocketAddr>(2);
    let (stop_tx, stop_rx) = aio::channel::<()>(1);
    let stop_rx = Mutex::new(Some(stop_rx));
    let thread = std::thread::spawn(move || {
        let (port_tx, port_rx) = aio::channel::<SocketAddr>(1);
        let (port_tx, port_rx) = (Mutex::new(Some(port_tx)), Mutex::new(Some(port_rx)));
        let (stop1_tx, stop1_rx) = aio::channel::<()>(1);
        let stop1_tx = Mutex::new(Some(stop1_tx));
        let stop1_rx = Mutex::new(Some(stop1_rx));
        let results = aio::run_on_cores(2, |i| {
            let (port_tx, port_rx, ready_tx) = (&port_tx, &port_rx, ready_tx.clone());
            let (stop_rx, stop1_tx, stop1_rx) = (&stop_rx, &stop1_tx, &stop1_rx);
            async move {
                let listener = if i == 0 {
                    let l = aio::net::TcpListener::bind_shared("127.0.0.1:0")
                        .await
                        .unwrap();
                    let tx = take(port_tx);
                    tx.send(l.local_addr().unwrap()).await.unwrap();
                    l
                } else {
                    let mut rx = take(port_rx);
                    let addr = rx.recv().await.unwrap();
                    aio::net::TcpListener::bind_shared(addr).await.unwrap()
                };
                ready_tx.send(listener.local_addr().unwrap()).await.unwrap();
                let acceptor = aio::spawn(async move {
                    loop {
                        let (stream, _) = listener.accept().await.unwrap();
                        aio::spawn(async move {
                            let (mut rd, mut wr) = (&stream, &stream);
                            let _ = futures::io::copy(&mut rd, &mut wr).await;
                        })
                        .detach();
                    }
                });
                // Loop 0 waits for the bench to stop it and then stops loop 1.
                if i == 0 {
                    let stop1 = take(stop1_tx);
                    let mut stop = take(stop_rx);
                    stop.recv().await;
                    drop(stop1);
                } else {
                    take(stop1_rx).recv().await;
                }
                acceptor.cancel();
            }
        });
        assert!(results.iter().all(Result::is_ok));
    });
    let addr = ready_rx.recv_blocking().unwrap();
    assert_eq!(ready_rx.recv_blocking(), Some(addr));
    Server {
        addr,
        stop: Box::new(move || {
            drop(stop_tx);
            thread.join().unwrap();
        }),
    }
}

/// tokio: one listener on a multi-thread runtime with 2 workers; connections are
/// spread by work stealing.
fn tokio_server(rt: Rc<tokio::runtime::Runtime>) -> Server {
    let (addr, handle) = rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let handle = tokio::spawn(async move {
            loop {
                let (mut stream, _) = listener.accept().await.unwrap();
                tokio::spawn(async move {
                    let (mut rd, mut wr) = stream.split();
                    let _ = tokio::io::copy(&mut rd, &mut wr).await;
                });
            }
        });
        (addr, handle)
    });
    Server {
        addr,
        stop: Box::new(move || handle.abort()),
    }
}

/// smol: one listener on a `smol::Executor` run by 2 threads.
fn smol_server() -> Server {
    let ex = Arc::new(smol::Executor::new());
    let (stop_tx, stop_rx) = async_channel::bounded::<()>(1);
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let listener_task = {
        let ex2 = ex.clone();
        ex.spawn(async move {
            let listener = smol::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            addr_tx.send(listener.local_addr().unwrap()).unwrap();
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                ex2.spawn(async move {
                    let (rd, mut wr) = (stream.clone(), stream);
                    let _ = futures::io::copy(rd, &mut wr).await;
                })
                .detach();
            }
        })
    };
    let threads: Vec<_> = (0..2)
        .map(|_| {
            let (ex, stop_rx) = (ex.clone(), stop_rx.clone());
            std::thread::spawn(move || smol::block_on(ex.run(stop_rx.recv())))
        })
        .collect();
    let addr = addr_rx.recv().unwrap();
    Server {
        addr,
        stop: Box::new(move || {
            drop(stop_tx);
            for t in threads {
                let _ = t.join();
            }
            drop(listener_task);
        }),
    }
}

/// The echo workload against each server in rotation, the same clients for all.
fn echo_cores(rounds: usize, rt: Rc<tokio::runtime::Runtime>) {
    let (clients, bytes, iters) = (32usize, 64usize << 10, 25u64);
    let servers = [aio_server(), tokio_server(rt), smol_server()];
    let names = [
        "aio (2 loops, shared port)",
        "tokio (multi-thread, 2 workers)",
        "smol (Executor, 2 threads)",
    ];
    let mut per_echo: Vec<Vec<f64>> = vec![Vec::new(); servers.len()];
    for round in 0..rounds {
        for k in 0..servers.len() {
            let which = (k + round) % servers.len();
            let took = echo_clients(servers[which].addr, iters, clients, bytes);
            per_echo[which].push(took.as_secs_f64() * 1e6 / iters as f64);
        }
    }
    let paired = |peer: usize| {
        let mut r: Vec<f64> = (0..rounds)
            .map(|k| per_echo[0][k] / per_echo[peer][k])
            .collect();
        r.sort_by(f64::total_cmp);
        r[r.len() / 2]
    };
    let (vs_tokio, vs_smol) = (paired(1), paired(2));
    println!(
        "tcp_echo_cores ({clients} clients x {} KiB, clients on a third thread), {rounds} rounds of {iters} echoes, us per echo:",
        bytes >> 10
    );
    for (i, v) in per_echo.iter_mut().enumerate() {
        v.sort_by(f64::total_cmp);
        println!(
            "  {:<38} min {:9.1}  median {:9.1}  max {:9.1}",
            names[i],
            v[0],
            v[v.len() / 2],
            v[v.len() - 1]
        );
    }
    println!(
        "  aio / tokio, median of the per-round ratios: {vs_tokio:.3}; aio / smol: {vs_smol:.3}"
    );
    for server in servers {
        (server.stop)();
    }
}

fn main() {
    let (filter, rounds) = args::filters_and_rounds(11);
    let rt = Rc::new(tokio_mt());
    let (rt1, rt2) = (rt.clone(), rt.clone());
    let workloads: Vec<(&str, f64, &str, Vec<Contender>)> = vec![
        (
            "channel_throughput (1M u64, capacity 1024, 2 threads)",
            ITEMS as f64,
            "ns/item",
            vec![
                ("aio async (2 loops)", Box::new(aio_async_throughput)),
                ("aio blocking", Box::new(aio_blocking_throughput)),
                (
                    "async-channel (2 aio loops)",
                    Box::new(async_channel_throughput),
                ),
                ("crossbeam (blocking)", Box::new(crossbeam_throughput)),
                (
                    "tokio mpsc (multi-thread, 2 workers)",
                    Box::new(move || tokio_throughput(&rt1)),
                ),
            ],
        ),
        (
            "channel_ping_pong (capacity 1, 2 threads)",
            ROUND_TRIPS as f64,
            "ns/round trip",
            vec![
                ("aio async (2 loops)", Box::new(aio_async_ping_pong)),
                ("aio async (1 loop)", Box::new(aio_one_loop_ping_pong)),
                ("aio blocking", Box::new(aio_blocking_ping_pong)),
                (
                    "async-channel (2 aio loops)",
                    Box::new(async_channel_ping_pong),
                ),
                ("crossbeam (blocking)", Box::new(crossbeam_ping_pong)),
                (
                    "tokio mpsc (multi-thread, 2 workers)",
                    Box::new(move || tokio_ping_pong(&rt2)),
                ),
            ],
        ),
    ];
    let echo_rt = rt.clone();
    for (name, per, unit, contenders) in workloads {
        if !filter.is_empty() && !filter.iter().any(|f| name.contains(f.as_str())) {
            continue;
        }
        let mut times: Vec<Vec<f64>> = vec![Vec::new(); contenders.len()];
        for round in 0..rounds {
            for k in 0..contenders.len() {
                let which = (k + round) % contenders.len();
                let took = (contenders[which].1)();
                times[which].push(took.as_secs_f64() * 1e9 / per);
            }
        }
        println!("{name}, {rounds} rounds, {unit}:");
        // Paired, as in `echo_interleaved.rs`: each aio row over each peer within the
        // same round, the median over rounds (a drift between rounds cancels out).
        let aio_rows: Vec<usize> = (0..contenders.len())
            .filter(|&i| contenders[i].0.starts_with("aio"))
            .collect();
        let mut paired = Vec::new();
        for &a in &aio_rows {
            for p in (0..contenders.len()).filter(|p| !aio_rows.contains(p)) {
                let mut r: Vec<f64> = (0..rounds).map(|k| times[a][k] / times[p][k]).collect();
                r.sort_by(f64::total_cmp);
                paired.push((a, p, r[r.len() / 2]));
            }
        }
        let medians: Vec<f64> = times
            .iter_mut()
            .map(|v| {
                v.sort_by(f64::total_cmp);
                v[v.len() / 2]
            })
            .collect();
        for (i, (label, _)) in contenders.iter().enumerate() {
            let v = &times[i];
            println!(
                "  {label:<38} min {:9.1}  median {:9.1}  max {:9.1}",
                v[0],
                medians[i],
                v[v.len() - 1]
            );
        }
        for (a, p, ratio) in paired {
            println!(
                "  {} / {}, median of the per-round ratios: {ratio:.2}",
                contenders[a].0, contenders[p].0
            );
        }
    }
    if filter.is_empty() || filter.iter().any(|f| "tcp_echo_cores".contains(f.as_str())) {
        echo_cores(rounds, echo_rt);
    }
}
