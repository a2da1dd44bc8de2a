//! The fix for `never_awaited_wrong.rs`: the sleep is awaited, so each greeting comes
//! after one unit, and the three greetings, gathered, take one unit in all.

#[path = "../common/mod.rs"]
mod common;

use std::time::Instant;

/// asyncio's `sleep` is a coroutine function; so is this one.
#[aio::coroutine]
async fn sleep(units: f64) {
    aio::sleep(common::units(units)).await;
}

async fn say_hello(name: &'static str) {
    sleep(1.0).await;
    println!("Hello, {name}");
}

async fn async_tasks(names: &[&'static str]) {
    aio::gather(names.iter().map(|name| say_hello(name))).await;
}

fn main() {
    let s = Instant::now();
    aio::run(async_tasks(&["John", "Jane", "Alice"]));
    println!("exec in {:0.2} seconds.", common::in_units(s.elapsed()));
}
