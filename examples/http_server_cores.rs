//! The hyper server of `http_server.rs` on every core (feature `hyper`): one aio loop per
//! core (`aio::run_on_cores`), each with its own listener on the same port
//! (`TcpListener::bind_shared`, `SO_REUSEPORT`), so the kernel spreads the connections
//! over the loops and a connection stays on the loop that accepted it.
//!
//! ```sh
//! cargo run --release --example http_server_cores                     # 127.0.0.1:3000, a loop per core
//! cargo run --release --example http_server_cores -- 127.0.0.1:8080 4 # address, loops
//! curl http://127.0.0.1:3000/        # Hello, World!
//! curl http://127.0.0.1:3000/stats   # how many hellos each loop answered
//! ```
//!
//! `GET /stats` asks every loop for its own count: the loop that serves it sends a small
//! task to each loop (`LoopHandle::spawn`, asyncio's `run_coroutine_threadsafe`) and
//! awaits the answers. The counts live in each loop's thread, unshared and unlocked.
//!
//! Loop 0 binds first and tells the others the address it got (so port 0 works too);
//! once every loop listens it prints `Listening on http://<addr> with <n> loops`. A loop
//! that cannot listen prints why and ends the process with status 1.

use std::cell::Cell;
use std::convert::Infallible;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};

use aio::hyper::{Io, Timer};
use aio::net::TcpListener;
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};

thread_local! {
    /// The hellos this loop answered (each loop has its own).
    static SERVED: Cell<u64> = const { Cell::new(0) };
}

/// Every loop's handle, by index, set once that loop listens.
type Handles = Arc<Vec<OnceLock<aio::LoopHandle>>>;

fn answer(status: StatusCode, text: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(text)));
    *response.status_mut() = status;
    response
}

/// One line per loop: the hellos it answered, asked of that loop itself.
async fn stats(handles: &Handles) -> String {
    let asked: Vec<_> = handles
        .iter()
        .map(|slot| {
            slot.get()
                .map(|handle| handle.spawn(|| async { SERVED.with(Cell::get) }))
        })
        .collect();
    let mut text = String::new();
    for (i, task) in asked.into_iter().enumerate() {
        let _ = match task {
            Some(task) => match task.await {
                Ok(n) => writeln!(text, "loop {i}: {n} requests"),
                Err(e) => writeln!(text, "loop {i}: {e}"),
            },
            None => writeln!(text, "loop {i}: not listening yet"),
        };
    }
    text
}

async fn route(
    req: Request<Incoming>,
    handles: Handles,
) -> Result<Response<Full<Bytes>>, Infallible> {
    if req.method() != Method::GET {
        return Ok(answer(
            StatusCode::METHOD_NOT_ALLOWED,
            "only GET is served\n".into(),
        ));
    }
    Ok(match req.uri().path() {
        "/" => {
            SERVED.with(|n| n.set(n.get() + 1));
            answer(StatusCode::OK, "Hello, World!\n".into())
        }
        "/stats" => answer(StatusCode::OK, stats(&handles).await),
        path => answer(StatusCode::NOT_FOUND, format!("no route for {path}\n")),
    })
}

/// What the loops share while they start.
struct Start {
    addr: String,
    /// Loop 0's senders of the address it bound, one per other loop.
    to_others: Mutex<Vec<aio::Sender<SocketAddr>>>,
    /// Loop `i`'s end of that channel, at `i - 1`.
    from_zero: Vec<Mutex<Option<aio::Receiver<SocketAddr>>>>,
    /// Each other loop says here that it listens; loop 0 waits for all of them.
    ready: Mutex<Option<aio::Receiver<()>>>,
    ready_tx: aio::Sender<()>,
    handles: Handles,
}

/// Loop `i`'s listener on the shared port.
async fn bind(i: usize, start: &Start) -> std::io::Result<TcpListener> {
    if i == 0 {
        let listener = TcpListener::bind_shared(start.addr.clone()).await?;
        let addr = listener.local_addr()?;
        let others = std::mem::take(&mut *start.to_others.lock().unwrap());
        for tx in others {
            // A loop that is gone has already ended the process.
            let _ = tx.send(addr).await;
        }
        Ok(listener)
    } else {
        let mut rx = start.from_zero[i - 1]
            .lock()
            .unwrap()
            .take()
            .expect("one loop per slot");
        let addr = rx
            .recv()
            .await
            .ok_or_else(|| std::io::Error::other("loop 0 could not listen"))?;
        TcpListener::bind_shared(addr).await
    }
}

/// Loop `i`: listen on the shared port, then serve every connection it accepts.
async fn serve(i: usize, start: &Start) -> std::io::Result<()> {
    let listener = bind(i, start).await?;
    let _ = start.handles[i].set(aio::current_loop());
    if i == 0 {
        let mut ready = start.ready.lock().unwrap().take().expect("loop 0 only");
        for _ in 1..start.handles.len() {
            ready
                .recv()
                .await
                .ok_or_else(|| std::io::Error::other("a loop ended before it listened"))?;
        }
        println!(
            "Listening on http://{} with {} loops",
            listener.local_addr()?,
            start.handles.len()
        );
    } else {
        let _ = start.ready_tx.send(()).await;
    }
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(accepted) => accepted,
            // Out of descriptors, a connection reset before accept: keep going.
            Err(e) => {
                eprintln!("loop {i}: accept failed: {e}");
                continue;
            }
        };
        let handles = start.handles.clone();
        aio::spawn(async move {
            let service = service_fn(move |req| route(req, handles.clone()));
            let served = http1::Builder::new()
                .timer(Timer)
                .serve_connection(Io::new(stream), service)
                .await;
            if let Err(e) = served {
                eprintln!("loop {i}: connection error: {e}");
            }
        })
        .detach();
    }
}

fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:3000".to_owned());
    let loops = match args.next() {
        Some(n) => n
            .parse::<usize>()
            .map_err(|_| format!("{n}: not a number of loops"))?,
        None => 0,
    };
    if let Some(extra) = args.next() {
        return Err(format!("unexpected argument {extra:?}"));
    }
    let loops = match loops {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    let (to_others, from_zero): (Vec<_>, Vec<_>) = (1..loops).map(|_| aio::channel(1)).unzip();
    let (ready_tx, ready) = aio::channel(loops);
    let start = Start {
        addr,
        to_others: Mutex::new(to_others),
        from_zero: from_zero
            .into_iter()
            .map(|rx| Mutex::new(Some(rx)))
            .collect(),
        ready: Mutex::new(Some(ready)),
        ready_tx,
        handles: Arc::new((0..loops).map(|_| OnceLock::new()).collect()),
    };
    let results = aio::run_on_cores(loops, |i| {
        let start = &start;
        async move {
            if let Err(e) = serve(i, start).await {
                // The other loops serve forever: a loop that cannot stops them all.
                eprintln!("Error: loop {i}: {e}");
                std::process::exit(1);
            }
        }
    });
    // Only a panic ends a loop without ending the process.
    for (i, result) in results.into_iter().enumerate() {
        result.map_err(|e| format!("loop {i}: {e}"))?;
    }
    Ok(())
}
