//! Port of "No point using synchronous libraries with asyncio": a counter task sleeps
//! a thousandth of a unit ten times and prints how long each sleep really took, while
//! the main task makes an HTTP request with a *blocking* client (the note uses
//! `requests.get`). The blocking call never yields, so the counter is frozen for the
//! whole request: its first sleep reports the request's duration, and all of its
//! lines come after `Got HTTP response with status 200`.
//!
//! Instead of `http://example.com`, the request goes to a tiny HTTP server on a thread
//! of this process, bound to 127.0.0.1, which answers after a fifth of a unit; the
//! client is a plain blocking `std::net::TcpStream`.
//!
//! This example demonstrates a pitfall on purpose: `cargo aio-lint` reports the call
//! (`blocking_net`), and `AIO_DEBUG=1` reports the blocked loop at run time.
//! `pitfalls/sync_http_fixed.rs` moves the request to `aio::to_thread`.

mod common;

use std::net::SocketAddr;
use std::time::Instant;

async fn counter() {
    let mut now = Instant::now();
    println!("Started counter");
    for i in 0..10 {
        let last = now;
        aio::sleep(common::units(0.001)).await;
        now = Instant::now();
        println!("{i}: Was asleep for {}s", common::in_units(now - last));
    }
}

async fn main_coro(addr: SocketAddr) {
    let t = aio::spawn(counter());

    // switch the context to the counter task
    aio::sleep(std::time::Duration::ZERO).await;

    println!("Sending HTTP request");
    let status = common::http::blocking_get(addr);
    println!("Got HTTP response with status {status}");

    t.await.expect("the counter failed");
}

fn main() {
    let addr = common::http::serve_once(common::units(0.2));
    aio::run(main_coro(addr));
}
