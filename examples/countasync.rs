//! Port of "Asynchronous Example of Sleeping" (`countasync.py`): three `count()`
//! coroutines gathered on one event loop sleep at the same time, so the program prints
//! `One` three times, then `Two` three times, and takes one unit, not three.
//!
//! Run it: `cargo run --example countasync` (`AIO_UNIT_MS=50` for a faster unit).

mod common;

use std::path::Path;
use std::time::Instant;

async fn count() {
    println!("One");
    aio::sleep(common::units(1.0)).await;
    println!("Two");
}

async fn main_coro() {
    aio::gather!(count(), count(), count()).await;
}

fn main() {
    let s = Instant::now();
    aio::run(main_coro());
    let elapsed = common::in_units(s.elapsed());
    let file = Path::new(file!()).file_name().unwrap().to_string_lossy();
    println!("{file} exec in {elapsed:0.2} seconds.");
}
