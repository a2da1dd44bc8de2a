//! HTTP/1.1 hello world served by hyper 1 on aio, on tokio (`current_thread`) and on smol
//! (`LocalExecutor`), one thread each, loaded by `wrk` in another process: requests per
//! second and the 99th percentile latency of each, side by side.
//!
//! The three servers are the same program: an accept loop spawning one task per
//! connection, `TCP_NODELAY`, hyper's HTTP/1 `serve_connection` with the runtime's timer
//! (so hyper arms its header read timeout for every request, as a real server does) and
//! a handler answering `Hello, World!`. The adapters: aio's `Io`, `Timer`; hyper-util's
//! `TokioIo`, `TokioTimer`; for smol, aio's `Io` (it takes any `futures-io` stream, which
//! smol's `TcpStream` is) and a timer on `smol::Timer` defined below.
//!
//! The server runs pinned to CPU 0 and `wrk` (one thread, keep-alive, 64 connections by
//! default) to CPU 1 through `taskset`, when the machine has two CPUs or more. The
//! runtimes take turns, round after round, in a rotating order (as
//! `echo_interleaved.rs` does), so a drift of the machine's speed lands on all three; the
//! report gives each runtime's median over rounds and aio's requests per second over each
//! peer's within the same round (the median of those ratios).
//!
//! `LOOPS=n` (n > 1) serves on n threads instead: aio with n loops, each with its own
//! listener on one shared port (`run_on_cores`, `bind_shared`); tokio's multi-thread
//! runtime with n workers; smol's `Executor` run by n threads (tokio and smol with one
//! listener, their connections spread by work stealing). Nothing is pinned then (`wrk`
//! shares the CPUs with the servers), and the CPU per request is the whole process's
//! (`/proc/self/stat`, in clock ticks), divided by the requests.
//!
//! Run: `cargo bench --bench http` (needs `wrk`: `apt install wrk`). `ROUNDS=n` (default
//! 7), `SECS=s` per run (default 3), `CONNECTIONS=n` (default 64), `LOOPS=n` (default 1).
//!
//! For profiling, `SERVE=aio|tokio|smol cargo bench --bench http` only serves (on
//! `PORT`, default 8080) until `REQUESTS` requests were answered (default: until killed),
//! for a load generator and a profiler of one's choice, e.g. under
//! `valgrind --tool=callgrind target/release/deps/http-*` for instructions per request.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::process::Command;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};

const NAMES: [&str; 3] = ["aio", "tokio", "smol"];

/// Requests answered by this process (the same relaxed increment on every runtime).
static ANSWERED: AtomicU64 = AtomicU64::new(0);

async fn hello(_: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    ANSWERED.fetch_add(1, Ordering::Relaxed);
    Ok(Response::new(Full::new(Bytes::from_static(
        b"Hello, World!",
    ))))
}

/// The stop signal of a server: every clone's `recv` ends when the sender is dropped.
type Stop = async_channel::Receiver<()>;

/// aio's accept loop on `listener`: a task per connection.
async fn aio_accept(listener: aio::net::TcpListener) {
    use aio::hyper::{Io, Timer};
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        stream.set_nodelay(true).unwrap();
        aio::spawn(async move {
            let _ = http1::Builder::new()
                .timer(Timer)
                .serve_connection(Io::new(stream), service_fn(hello))
                .await;
        })
        .detach();
    }
}

/// Serves on aio until `stop` fires; sends the bound address first.
fn aio_server(port: u16, addr_tx: mpsc::Sender<SocketAddr>, stop: Stop) {
    aio::run(async move {
        let listener = aio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .unwrap();
        addr_tx.send(listener.local_addr().unwrap()).unwrap();
        aio::spawn(aio_accept(listener)).detach();
        let _ = stop.recv().await;
    });
}

/// Serves on `loops` aio loops, each with its own listener on one shared port (loop 0
/// binds first and hands the others the address), until `stop` fires.
fn aio_cores_server(loops: usize, port: u16, addr_tx: mpsc::Sender<SocketAddr>, stop: Stop) {
    let (to_others, from_zero): (Vec<_>, Vec<_>) = (1..loops).map(|_| aio::channel(1)).unzip();
    let to_others = Mutex::new(to_others);
    let from_zero: Vec<_> = from_zero
        .into_iter()
        .map(|rx| Mutex::new(Some(rx)))
        .collect();
    let (ready_tx, ready) = aio::channel::<()>(loops);
    let ready = Mutex::new(Some(ready));
    let results = aio::run_on_cores(loops, |i| {
        let (to_others, from_zero, stop) = (&to_others, &from_zero, stop.clone());
        let (ready_tx, ready, addr_tx) = (ready_tx.clone(), &ready, addr_tx.clone());
        async move {
            let listener = if i == 0 {
                let l = aio::net::TcpListener::bind_shared(("127.0.0.1", port))
                    .await
                    .unwrap();
                let others = std::mem::take(&mut *to_others.lock().unwrap());
                for tx in others {
                    tx.send(l.local_addr().unwrap()).await.unwrap();
                }
                l
            } else {
                let mut rx = from_zero[i - 1].lock().unwrap().take().unwrap();
                let addr = rx.recv().await.unwrap();
                aio::net::TcpListener::bind_shared(addr).await.unwrap()
            };
            if i == 0 {
                // Every loop listens before the load starts.
                let mut ready = ready.lock().unwrap().take().unwrap();
                for _ in 1..loops {
                    ready.recv().await.unwrap();
                }
                addr_tx.send(listener.local_addr().unwrap()).unwrap();
            } else {
                ready_tx.send(()).await.unwrap();
            }
            aio::spawn(aio_accept(listener)).detach();
            let _ = stop.recv().await;
        }
    });
    assert!(results.iter().all(Result::is_ok), "an aio loop failed");
}

/// The same on tokio: the current-thread runtime for 1 loop, else the multi-thread
/// runtime with `loops` workers (the accept loop a task on them, as every connection).
fn tokio_server(loops: usize, port: u16, addr_tx: mpsc::Sender<SocketAddr>, stop: Stop) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let rt = if loops == 1 {
        tokio::runtime::Builder::new_current_thread()
    } else {
        let mut b = tokio::runtime::Builder::new_multi_thread();
        b.worker_threads(loops);
        b
    }
    .enable_all()
    .build()
    .unwrap();
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .unwrap();
        addr_tx.send(listener.local_addr().unwrap()).unwrap();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                stream.set_nodelay(true).unwrap();
                tokio::spawn(async move {
                    let _ = http1::Builder::new()
                        .timer(TokioTimer::new())
                        .serve_connection(TokioIo::new(stream), service_fn(hello))
                        .await;
                });
            }
        });
        let _ = stop.recv().await;
    });
}

/// hyper's `Sleep` on `smol::Timer` (`reset` moves the same timer).
struct SmolSleep(smol::Timer);

impl Future for SmolSleep {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        Pin::new(&mut self.0).poll(cx).map(drop)
    }
}

impl hyper::rt::Sleep for SmolSleep {}

#[derive(Clone, Copy)]
struct SmolTimer;

impl hyper::rt::Timer for SmolTimer {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn hyper::rt::Sleep>> {
        Box::pin(SmolSleep(smol::Timer::after(duration)))
    }
    fn sleep_until(&self, deadline: Instant) -> Pin<Box<dyn hyper::rt::Sleep>> {
        Box::pin(SmolSleep(smol::Timer::at(deadline)))
    }
    fn reset(&self, sleep: &mut Pin<Box<dyn hyper::rt::Sleep>>, new_deadline: Instant) {
        match sleep.as_mut().downcast_mut_pin::<SmolSleep>() {
            Some(s) => s.get_mut().0.set_at(new_deadline),
            None => *sleep = self.sleep_until(new_deadline),
        }
    }
}

/// hyper on smol for one connection.
async fn smol_connection(stream: smol::net::TcpStream) {
    let _ = http1::Builder::new()
        .timer(SmolTimer)
        .serve_connection(aio::hyper::Io::new(stream), service_fn(hello))
        .await;
}

/// The same on smol's `LocalExecutor`.
fn smol_server(port: u16, addr_tx: mpsc::Sender<SocketAddr>, stop: Stop) {
    let ex = Rc::new(smol::LocalExecutor::new());
    smol::block_on(ex.run(async {
        let listener = smol::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .unwrap();
        addr_tx.send(listener.local_addr().unwrap()).unwrap();
        let spawner = ex.clone();
        ex.spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                stream.set_nodelay(true).unwrap();
                spawner.spawn(smol_connection(stream)).detach();
            }
        })
        .detach();
        let _ = stop.recv().await;
    }));
}

/// smol's `Executor` (work stealing, `Send` tasks) run by `loops` threads: this one and
/// `loops - 1` more. The accept loop holds the executor weakly, so that dropping the
/// last `Arc` drops every task, the listener with it.
fn smol_executor_server(loops: usize, port: u16, addr_tx: mpsc::Sender<SocketAddr>, stop: Stop) {
    let ex = Arc::new(smol::Executor::new());
    let threads: Vec<_> = (1..loops)
        .map(|_| {
            let (ex, stop) = (ex.clone(), stop.clone());
            std::thread::spawn(move || smol::block_on(ex.run(stop.recv())))
        })
        .collect();
    let weak = Arc::downgrade(&ex);
    smol::block_on(ex.run(async move {
        let listener = smol::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .unwrap();
        addr_tx.send(listener.local_addr().unwrap()).unwrap();
        let spawner = weak.clone();
        weak.upgrade()
            .unwrap()
            .spawn(async move {
                loop {
                    let Ok((stream, _)) = listener.accept().await else {
                        continue;
                    };
                    stream.set_nodelay(true).unwrap();
                    if let Some(ex) = spawner.upgrade() {
                        ex.spawn(smol_connection(stream)).detach();
                    }
                }
            })
            .detach();
        let _ = stop.recv().await;
    }));
    for t in threads {
        // A thread's `run` ends with the stop channel's `RecvError`: the signal.
        let _ = t.join().unwrap();
    }
}

/// What one `wrk` run measured, and the server thread's CPU time per request.
#[derive(Clone, Copy, Debug)]
struct Measure {
    rps: f64,
    p99_us: f64,
    cpu_us: f64,
}

/// A `wrk` latency such as `812.00us`, `1.25ms` or `2.01s`, in microseconds.
fn parse_latency(text: &str) -> Option<f64> {
    let (number, scale) = if let Some(n) = text.strip_suffix("us") {
        (n, 1.0)
    } else if let Some(n) = text.strip_suffix("ms") {
        (n, 1e3)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1e6)
    } else {
        return None;
    };
    number.parse::<f64>().ok().map(|n| n * scale)
}

/// Requests per second and the 99th percentile from `wrk --latency`'s report; an error
/// naming what is missing, or the failures `wrk` reported.
fn parse_wrk(report: &str) -> Result<Measure, String> {
    let mut rps = None;
    let mut p99 = None;
    for line in report.lines().map(str::trim) {
        if let Some(v) = line.strip_prefix("Requests/sec:") {
            rps = v.trim().parse::<f64>().ok();
        } else if let Some(v) = line.strip_prefix("99%") {
            p99 = parse_latency(v.trim());
        } else if line.starts_with("Socket errors:") || line.starts_with("Non-2xx") {
            return Err(format!("wrk reported failures: {line}"));
        }
    }
    match (rps, p99) {
        (Some(rps), Some(p99_us)) => Ok(Measure {
            rps,
            p99_us,
            cpu_us: f64::NAN,
        }),
        _ => Err(format!(
            "no `Requests/sec:` or `99%` line in wrk's report:\n{report}"
        )),
    }
}

struct Config {
    secs: u64,
    connections: u64,
    pin: bool,
    loops: usize,
}

/// The CPU time of the whole process (every thread, live or ended), in nanoseconds, from
/// Linux's `/proc/self/stat` (user and system time in clock ticks, 100 per second on
/// Linux's usual configuration); `None` elsewhere.
fn process_cpu_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name (which is in parentheses and may hold spaces):
    // utime and stime are the 12th and 13th of them.
    let rest = stat.rsplit_once(')')?.1;
    let mut fields = rest.split_whitespace().skip(11);
    let ticks: u64 = fields.next()?.parse::<u64>().ok()? + fields.next()?.parse::<u64>().ok()?;
    Some(ticks * 10_000_000)
}

/// The CPU time this thread has run, in nanoseconds (user and system), from Linux's
/// `/proc/thread-self/schedstat`; `None` elsewhere.
fn thread_cpu_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

/// Starts server `which` with `loops` threads on `port` (0: any free one); returns its
/// address, the thread that runs it (whose output is the CPU time that thread used, when
/// known; with 1 loop, all of the server's) and the sender that stops it (by its drop).
fn start(
    which: usize,
    loops: usize,
    port: u16,
) -> (
    SocketAddr,
    std::thread::JoinHandle<Option<u64>>,
    async_channel::Sender<()>,
) {
    let (addr_tx, addr_rx) = mpsc::channel();
    let (stop_tx, stop_rx) = async_channel::bounded(1);
    let server = std::thread::spawn(move || {
        let before = thread_cpu_ns();
        match (which, loops) {
            (0, 1) => aio_server(port, addr_tx, stop_rx),
            (0, n) => aio_cores_server(n, port, addr_tx, stop_rx),
            (1, n) => tokio_server(n, port, addr_tx, stop_rx),
            (_, 1) => smol_server(port, addr_tx, stop_rx),
            (_, n) => smol_executor_server(n, port, addr_tx, stop_rx),
        }
        Some(thread_cpu_ns()? - before?)
    });
    let addr = addr_rx.recv().expect("the server started");
    (addr, server, stop_tx)
}

/// `SERVE=name`: serve with that runtime until `REQUESTS` were answered (or forever).
fn serve_only(name: &str) {
    let which = NAMES
        .iter()
        .position(|n| *n == name)
        .unwrap_or_else(|| panic!("SERVE must be one of {NAMES:?}, got {name:?}"));
    let port = u16::try_from(env_number("PORT", 8080)).expect("PORT must be below 65536");
    let limit = std::env::var("REQUESTS")
        .is_ok()
        .then(|| env_number("REQUESTS", 1));
    let loops = env_number("LOOPS", 1) as usize;
    let (addr, server, stop) = start(which, loops, port);
    println!("{name} serving on http://{addr}/");
    match limit {
        Some(limit) => {
            while ANSWERED.load(Ordering::Relaxed) < limit {
                std::thread::sleep(Duration::from_millis(5));
            }
            drop(stop);
            server.join().expect("the server thread ended cleanly");
            println!("answered {} requests", ANSWERED.load(Ordering::Relaxed));
        }
        None => drop(server.join().expect("the server thread ended cleanly")),
    }
}

/// Starts server `which`, loads it with `wrk`, stops it.
fn run_one(which: usize, secs: u64, cfg: &Config) -> Measure {
    let answered = ANSWERED.load(Ordering::Relaxed);
    let process_before = process_cpu_ns();
    let (addr, server, stop_tx) = start(which, cfg.loops, 0);
    let wrk_args = [
        "-t1".to_owned(),
        format!("-c{}", cfg.connections),
        format!("-d{secs}s"),
        "--latency".to_owned(),
        format!("http://{addr}/"),
    ];
    let mut cmd = if cfg.pin {
        let mut c = Command::new("taskset");
        c.args(["-c", "1", "wrk"]);
        c
    } else {
        Command::new("wrk")
    };
    let out = cmd.args(&wrk_args).output().expect("run wrk");
    drop(stop_tx);
    let thread_ns = server.join().expect("the server thread ended cleanly");
    let cpu_ns = if cfg.loops == 1 {
        thread_ns
    } else {
        process_cpu_ns()
            .zip(process_before)
            .map(|(after, before)| after - before)
    };
    let requests = ANSWERED.load(Ordering::Relaxed) - answered;
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "wrk failed: {}{}",
        report,
        String::from_utf8_lossy(&out.stderr)
    );
    let mut m = parse_wrk(&report).unwrap_or_else(|e| panic!("{}: {e}", NAMES[which]));
    if let Some(ns) = cpu_ns {
        m.cpu_us = ns as f64 / 1e3 / requests.max(1) as f64;
    }
    m
}

fn env_number(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(v) => v
            .parse()
            .ok()
            .filter(|&n| n > 0)
            .unwrap_or_else(|| panic!("{name} must be a positive whole number, got {v:?}")),
        Err(_) => default,
    }
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    if let Ok(name) = std::env::var("SERVE") {
        return serve_only(&name);
    }
    let rounds = env_number("ROUNDS", 7) as usize;
    let loops = env_number("LOOPS", 1) as usize;
    let cfg = Config {
        secs: env_number("SECS", 3),
        connections: env_number("CONNECTIONS", 64),
        pin: loops == 1
            && std::thread::available_parallelism().is_ok_and(|n| n.get() >= 2)
            && Command::new("taskset").arg("-V").output().is_ok(),
        loops,
    };
    if Command::new("wrk").arg("-v").output().is_err() {
        eprintln!(
            "benches/http.rs drives the servers with wrk, which is not installed (apt install wrk)"
        );
        std::process::exit(2);
    }
    if cfg.pin {
        // This process (and the server threads it starts) on CPU 0; wrk goes to CPU 1.
        let pinned = Command::new("taskset")
            .args(["-p", "-c", "0", &std::process::id().to_string()])
            .output()
            .is_ok_and(|o| o.status.success());
        assert!(pinned, "taskset could not pin the benchmark to CPU 0");
    }
    println!(
        "hyper HTTP/1.1 hello world, wrk -t1 -c{} -d{}s --latency, {} rounds, runtimes in rotation{}",
        cfg.connections,
        cfg.secs,
        rounds,
        if cfg.pin {
            "; server on CPU 0, wrk on CPU 1".to_owned()
        } else if cfg.loops > 1 {
            format!(
                "; {0} server threads each: aio {0} loops on a shared port, tokio multi-thread \
                 with {0} workers, smol Executor on {0} threads; not pinned; CPU per request is \
                 the whole process's",
                cfg.loops
            )
        } else {
            "; not pinned (fewer than 2 CPUs or no taskset)".to_owned()
        }
    );
    // Warm-up: each server once, briefly (page faults, the kernel's socket caches).
    for which in 0..3 {
        run_one(which, 1, &cfg);
    }
    let mut runs: [Vec<Measure>; 3] = Default::default();
    for round in 0..rounds {
        let mut line = format!("round {:>2}:", round + 1);
        for k in 0..3 {
            let which = (k + round) % 3;
            let m = run_one(which, cfg.secs, &cfg);
            line += &format!(
                "  {} {:>6.0} req/s p99 {:>6.0} us cpu {:>5.2} us/req",
                NAMES[which], m.rps, m.p99_us, m.cpu_us
            );
            runs[which].push(m);
        }
        println!("{line}");
    }
    println!();
    println!(
        "| runtime | requests/s (median) | min .. max | p99 latency (median) | server CPU per request (median) |"
    );
    println!("|---|---|---|---|---|");
    for (i, name) in NAMES.iter().enumerate() {
        let mut rps: Vec<f64> = runs[i].iter().map(|m| m.rps).collect();
        let mut p99: Vec<f64> = runs[i].iter().map(|m| m.p99_us).collect();
        let mut cpu: Vec<f64> = runs[i].iter().map(|m| m.cpu_us).collect();
        let med = median(&mut rps);
        println!(
            "| {name} | {med:.0} | {:.0} .. {:.0} | {:.0} us | {:.2} us |",
            rps[0],
            rps[rps.len() - 1],
            median(&mut p99),
            median(&mut cpu)
        );
    }
    // Paired: aio against each peer within the same round, then the median over rounds
    // (a drift between rounds cancels out).
    for (peer, name) in [(1, "tokio"), (2, "smol")] {
        for (what, get) in [
            ("requests/s", (|m: &Measure| m.rps) as fn(&Measure) -> f64),
            ("CPU per request", |m: &Measure| m.cpu_us),
        ] {
            let mut ratios: Vec<f64> = (0..rounds)
                .map(|r| get(&runs[0][r]) / get(&runs[peer][r]))
                .collect();
            let med = median(&mut ratios);
            println!(
                "aio / {name}, {what}: median of the per-round ratios {med:.3} (range {:.3} .. {:.3})",
                ratios[0],
                ratios[ratios.len() - 1]
            );
        }
    }
}
