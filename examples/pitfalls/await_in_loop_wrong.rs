//! Pitfall: awaiting independent coroutines one by one instead of gathering them
//! (notes: "How NOT to use `await`": "The above example is same as running
//! synchronous code").
//!
//! Each request waits for the previous one: five one-unit requests take five units.
//!
//! Caught by: `cargo aio-lint` (`sequential_await_in_loop`). Nothing is wrong at run
//! time except the time it takes, so debug mode has nothing to say.
//! The fix: `await_in_loop_fixed.rs`.

#[path = "../common/mod.rs"]
mod common;

use std::time::Instant;

async fn get_request(url: u32) -> u32 {
    aio::sleep(common::units(1.0)).await;
    url
}

async fn make_requests() {
    for url in 1..=5 {
        // BUG: each request starts only when the previous one is done
        let result = get_request(url).await;
        println!("{result}");
    }
}

fn main() {
    let s = Instant::now();
    aio::run(make_requests());
    println!("exec in {:0.2} seconds.", common::in_units(s.elapsed()));
}
