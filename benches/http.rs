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
//! Run: `cargo bench --bench http` (needs `wrk`: `apt install wrk`). `ROUNDS=n` (default
//! 7), `SECS=s` per run (default 3), `CONNECTIONS=n` (default 64).
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
use std::sync::mpsc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures::channel::oneshot;
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

/// Serves on aio until `stop` fires; sends the bound address first.
fn aio_server(port: u16, addr_tx: mpsc::Sender<SocketAddr>, stop: oneshot::Receiver<()>) {
    use aio::hyper::{Io, Timer};
    aio::run(async move {
        let listener = aio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .unwrap();
        addr_tx.send(listener.local_addr().unwrap()).unwrap();
        aio::spawn(async move {
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
        })
        .detach();
        let _ = stop.await;
    });
}

/// The same on tokio's current-thread runtime.
fn tokio_server(port: u16, addr_tx: mpsc::Sender<SocketAddr>, stop: oneshot::Receiver<()>) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let rt = tokio::runtime::Builder::new_current_thread()
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
        let _ = stop.await;
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

/// The same on smol's `LocalExecutor`.
fn smol_server(port: u16, addr_tx: mpsc::Sender<SocketAddr>, stop: oneshot::Receiver<()>) {
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
                spawner
                    .spawn(async move {
                        let _ = http1::Builder::new()
                            .timer(SmolTimer)
                            .serve_connection(aio::hyper::Io::new(stream), service_fn(hello))
                            .await;
                    })
                    .detach();
            }
        })
        .detach();
        let _ = stop.await;
    }));
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
}

/// The CPU time this thread has run, in nanoseconds (user and system), from Linux's
/// `/proc/thread-self/schedstat`; `None` elsewhere.
fn thread_cpu_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

/// Starts server `which` on its own thread and `port` (0: any free one); returns its
/// address, the thread (whose output is the CPU time it used, when known) and the sender
/// that stops it.
fn start(
    which: usize,
    port: u16,
) -> (
    SocketAddr,
    std::thread::JoinHandle<Option<u64>>,
    oneshot::Sender<()>,
) {
    let (addr_tx, addr_rx) = mpsc::channel();
    let (stop_tx, stop_rx) = oneshot::channel();
    let server = std::thread::spawn(move || {
        let before = thread_cpu_ns();
        match which {
            0 => aio_server(port, addr_tx, stop_rx),
            1 => tokio_server(port, addr_tx, stop_rx),
            _ => smol_server(port, addr_tx, stop_rx),
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
    let (addr, server, stop) = start(which, port);
    println!("{name} serving on http://{addr}/");
    match limit {
        Some(limit) => {
            while ANSWERED.load(Ordering::Relaxed) < limit {
                std::thread::sleep(Duration::from_millis(5));
            }
            let _ = stop.send(());
            server.join().expect("the server thread ended cleanly");
            println!("answered {} requests", ANSWERED.load(Ordering::Relaxed));
        }
        None => drop(server.join().expect("the server thread ended cleanly")),
    }
}

/// Starts server `which`, loads it with `wrk`, stops it.
fn run_one(which: usize, secs: u64, cfg: &Config) -> Measure {
    let answered = ANSWERED.load(Ordering::Relaxed);
    let (addr, server, stop_tx) = start(which, 0);
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
    let _ = stop_tx.send(());
    let cpu_ns = server.join().expect("the server thread ended cleanly");
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
    let cfg = Config {
        secs: env_number("SECS", 3),
        connections: env_number("CONNECTIONS", 64),
        pin: std::thread::available_parallelism().is_ok_and(|n| n.get() >= 2)
            && Command::new("taskset").arg("-V").output().is_ok(),
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
            "; server on CPU 0, wrk on CPU 1"
        } else {
            "; not pinned (fewer than 2 CPUs or no taskset)"
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
