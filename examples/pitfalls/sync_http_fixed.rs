//! The fix for `sync_http_wrong.rs`: the blocking request runs on a worker thread with
//! `aio::to_thread` ("if we want to use synchronous libraries then we will have to use
//! threading"), and the loop keeps running the counter while it waits: the ticks come
//! before the response, each about a thousandth of a unit apart.

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
    let status = aio::to_thread(move || common::http::blocking_get(addr))
        .await
        .expect("the request panicked");
    println!("Got HTTP response with status {status}");

    t.await.expect("the counter failed");
}

fn main() {
    let addr = common::http::serve_once(common::units(0.2));
    aio::run(main_coro(addr));
}
