//! Pitfall: a blocking sleep inside a coroutine (notes: "`async` and `await` keywords",
//! the `say_hello` that calls `time.sleep(1)`; "Synchronous Example of Sleeping":
//! "`time.sleep()` ... will stop everything in its tracks").
//!
//! `std::thread::sleep` never yields to the loop, so the three gathered greetings run
//! one after the other: three units instead of one, "as if it were a synchronous
//! method".
//!
//! Caught by: `cargo aio-lint` (`blocking_sleep`), and at run time by debug mode
//! (`AIO_DEBUG=1`: "task 'main' (...) blocked the loop for N ms in one poll", then the
//! `aio::gather` argument (`say_hello`) it was in, the system call the loop thread was
//! in, and the fix, once a unit is longer than the 100 ms threshold). The fix:
//! `blocking_sleep_fixed.rs`.

#[path = "../common/mod.rs"]
mod common;

use std::time::Instant;

async fn say_hello(name: &'static str) {
    // BUG: blocks the whole event loop for a unit
    std::thread::sleep(common::units(1.0));
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
