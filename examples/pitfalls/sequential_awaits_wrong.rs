//! Pitfall: two independent awaits in a row (notes: "The `await` keyword is used to
//! wait for a coroutine to complete ... it doesn't schedule concurrent execution"; use
//! `asyncio.gather()` "to run multiple coroutines concurrently").
//!
//! The second request does not need the first one's result, yet starts only when it
//! is done: two units instead of one.
//!
//! Caught by: `cargo aio-lint` (`sequential_awaits`); invisible at run time.
//! The fix: `sequential_awaits_fixed.rs`.

#[path = "../common/mod.rs"]
mod common;

use std::time::Instant;

async fn get_request(url: u32) -> u32 {
    aio::sleep(common::units(1.0)).await;
    url
}

async fn main_coro() {
    let first = get_request(1).await;
    // BUG: independent of `first`, yet started only once `first` is done
    let second = get_request(2).await;
    println!("{first} {second}");
}

fn main() {
    let s = Instant::now();
    aio::run(main_coro());
    println!("exec in {:0.2} seconds.", common::in_units(s.elapsed()));
}
