//! A TCP echo server on every core: one aio loop per core (`aio::run_on_cores`), each
//! with its own listener on the same port (`TcpListener::bind_shared`, `SO_REUSEPORT`),
//! so the kernel spreads the connections over the loops and nothing is shared between
//! them. asyncio's answer is a process per core sharing a socket; this is the same with
//! threads.
//!
//! ```text
//! cargo run --release --example echo_cores                    # 127.0.0.1:7878, a loop per core
//! cargo run --release --example echo_cores -- 0.0.0.0:9000 4  # address, loops
//! cargo run --example echo_cores -- 127.0.0.1:0 2 --demo 200  # serve 200 echo clients, then stop
//! ```
//!
//! Loop 0 binds first and tells the others the address it got (so port 0 works too).
//! With `--demo N`, a client thread makes N connections, checks every echo, and then
//! stops the loops; each loop reports how many connections it served.

use std::cell::Cell;
use std::io::{Read, Write};
use std::net::SocketAddr;
use std::rc::Rc;
use std::sync::Mutex;

use aio::net::{TcpListener, TcpStream};

struct Args {
    addr: String,
    loops: usize,
    demo: Option<usize>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        addr: "127.0.0.1:7878".to_owned(),
        loops: 0,
        demo: None,
    };
    let mut positional = 0;
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        if arg == "--demo" {
            let n = it.next().ok_or("--demo needs a number of clients")?;
            args.demo = Some(n.parse().map_err(|_| format!("--demo {n}: not a number"))?);
            continue;
        }
        match positional {
            0 => args.addr = arg,
            1 => {
                args.loops = arg
                    .parse()
                    .map_err(|_| format!("{arg}: not a number of loops"))?
            }
            _ => return Err(format!("unexpected argument {arg:?}")),
        }
        positional += 1;
    }
    Ok(args)
}

/// Echoes one connection until the client closes it.
async fn echo(stream: TcpStream) {
    let (mut rd, mut wr) = (&stream, &stream);
    let _ = futures::io::copy(&mut rd, &mut wr).await;
}

/// Loop `i`'s listener: loop 0 binds first and tells the others the address it got.
async fn bind(i: usize, shared: &Shared) -> std::io::Result<TcpListener> {
    if i == 0 {
        // Taken before binding: if the bind fails, dropping them tells the others.
        let others = std::mem::take(&mut *shared.bound.lock().unwrap());
        let listener = TcpListener::bind_shared(shared.addr.clone()).await?;
        let addr = listener.local_addr()?;
        for tx in others {
            let _ = tx.send(addr).await;
        }
        Ok(listener)
    } else {
        let mut rx = shared.port[i - 1]
            .lock()
            .unwrap()
            .take()
            .expect("one loop per slot");
        match rx.recv().await {
            Some(addr) => TcpListener::bind_shared(addr).await,
            None => Err(std::io::Error::other("loop 0 could not bind")),
        }
    }
}

/// Loop `i`: bind, accept until told to stop, return the number of connections served.
async fn serve(i: usize, shared: &Shared) -> std::io::Result<usize> {
    let listener = match bind(i, shared).await.and_then(|l| Ok((l.local_addr()?, l))) {
        Ok((addr, listener)) => {
            let _ = shared.ready.send(Ok(addr)).await;
            listener
        }
        Err(e) => {
            let _ = shared.ready.send(Err((i, e.to_string()))).await;
            return Err(e);
        }
    };
    let served = Rc::new(Cell::new(0));
    let acceptor = aio::spawn({
        let served = served.clone();
        async move {
            loop {
                match listener.accept().await {
                    Ok((stream, _)) => {
                        served.set(served.get() + 1);
                        aio::spawn(echo(stream)).detach();
                    }
                    // Out of descriptors, a connection reset before accept: keep going.
                    Err(e) => eprintln!("loop {i}: accept failed: {e}"),
                }
            }
        }
    });
    // Serve until the stop channel closes (never, unless in demo mode).
    let mut stop = shared.stop[i]
        .lock()
        .unwrap()
        .take()
        .expect("one loop per slot");
    stop.recv().await;
    acceptor.cancel();
    Ok(served.get())
}

/// What the loops share: the address to bind, loop 0's channels to the others (and the
/// others' ends), the channel on which each loop says it listens (or why it cannot),
/// and each loop's stop channel.
struct Shared {
    addr: String,
    bound: Mutex<Vec<aio::Sender<SocketAddr>>>,
    port: Vec<Mutex<Option<aio::Receiver<SocketAddr>>>>,
    ready: aio::Sender<Result<SocketAddr, (usize, String)>>,
    stop: Vec<Mutex<Option<aio::Receiver<()>>>>,
}

/// The demo's clients: `n` connections, one after the other, each echoing one line.
fn clients(addr: SocketAddr, n: usize) -> std::io::Result<usize> {
    let mut ok = 0;
    for k in 0..n {
        let mut stream = std::net::TcpStream::connect(addr)?;
        let line = format!("hello {k}\n");
        stream.write_all(line.as_bytes())?;
        stream.shutdown(std::net::Shutdown::Write)?;
        let mut back = String::new();
        stream.read_to_string(&mut back)?;
        if back == line {
            ok += 1;
        }
    }
    Ok(ok)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = parse_args()?;
    let loops = match args.loops {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    let (bound, port): (Vec<_>, Vec<_>) = (1..loops).map(|_| aio::channel(1)).unzip();
    let (stop_tx, stop_rx): (Vec<_>, Vec<_>) = (0..loops).map(|_| aio::channel::<()>(1)).unzip();
    let (ready, mut ready_rx) = aio::channel(loops);
    let shared = Shared {
        addr: args.addr,
        bound: Mutex::new(bound),
        port: port.into_iter().map(|rx| Mutex::new(Some(rx))).collect(),
        ready,
        stop: stop_rx.into_iter().map(|rx| Mutex::new(Some(rx))).collect(),
    };
    let demo = args.demo;
    let coordinator = std::thread::spawn(move || {
        // Every loop listening? Each reports once; if one cannot, stop the others
        // (dropping `stop_tx`). When loop 0 cannot bind, the others fail because of it and
        // may report first: the lowest-numbered loop's error is the cause.
        let mut addr = None;
        let mut failed: Option<(usize, String)> = None;
        for _ in 0..loops {
            match ready_rx.recv_blocking() {
                Some(Ok(a)) => addr = Some(a),
                Some(Err((i, why))) => {
                    if failed.as_ref().is_none_or(|(first, _)| i < *first) {
                        failed = Some((i, why));
                    }
                }
                None => return Err("a loop ended before it listened".into()),
            }
        }
        if let Some((i, why)) = failed {
            return Err(format!("loop {i}: {why}").into());
        }
        let addr = addr.ok_or("no loop")?;
        println!("listening on {addr} with {loops} loops");
        match demo {
            Some(n) => {
                let ok = clients(addr, n)?;
                println!("echoed {ok}/{n}");
                drop(stop_tx); // every loop's stop channel closes
            }
            None => std::mem::forget(stop_tx), // serve forever
        }
        Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
    });
    let results = aio::run_on_cores(loops, |i| {
        let shared = &shared;
        async move { serve(i, shared).await }
    });
    drop(shared);
    coordinator
        .join()
        .map_err(|_| "the coordinator panicked")?
        .map_err(|e| e.to_string())?;
    for (i, result) in results.into_iter().enumerate() {
        match result {
            Ok(Ok(served)) => println!("loop {i}: {served} connections"),
            Ok(Err(e)) => return Err(format!("loop {i}: {e}").into()),
            Err(e) => return Err(format!("loop {i}: {e}").into()),
        }
    }
    Ok(())
}
