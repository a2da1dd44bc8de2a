//! Pitfall: a synchronous HTTP library inside async code (notes: "No point using
//! synchronous libraries with asyncio": `requests.get` "blocks the event loop for as
//! long as it runs").
//!
//! A counter task ticks every thousandth of a unit while the main task makes an HTTP
//! request with a blocking client (to a local server on 127.0.0.1 that answers after a
//! fifth of a unit). The counter is frozen for the whole request: its first tick
//! reports the request's duration, and every tick comes after the response.
//!
//! Caught by: `cargo aio-lint` (`blocking_net`, reported at the call of the workspace
//! function that blocks), and at run time by debug mode (`AIO_DEBUG=1`: "task 'main'
//! ... blocked the loop for N ms", once the request outlasts the 100 ms threshold).
//! The fix: `sync_http_fixed.rs`.

#[path = "../common/mod.rs"]
mod common;

use std::net::SocketAddr;
use std::time::Instant;

async fn counter() {
    let mut now = Instant::now();
    for i in 0..10 {
        let last = now;
        aio::sleep(common::units(0.001)).await;
        now = Instant::now();
        println!("{i}: Was asleep for {}s", common::in_units(now - last));
    }
}

async fn main_coro(addr: SocketAddr) {
    let t = aio::spawn(counter());
    aio::yield_now().await;

    println!("Sending HTTP request");
    // BUG: a blocking request on the event loop's thread
    let status = common::http::blocking_get(addr);
    println!("Got HTTP response with status {status}");

    t.await.expect("the counter failed");
}

fn main() {
    let addr = common::http::serve_once(common::units(0.2));
    aio::run(main_coro(addr));
}
