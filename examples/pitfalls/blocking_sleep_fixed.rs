//! The fix for `blocking_sleep_wrong.rs`: `aio::sleep(..).await` suspends only this
//! coroutine, so the three greetings sleep at the same time: one unit in all.

#[path = "../common/mod.rs"]
mod common;

use std::time::Instant;

async fn say_hello(name: &'static str) {
    aio::sleep(common::units(1.0)).await;
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
