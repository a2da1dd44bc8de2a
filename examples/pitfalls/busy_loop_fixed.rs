//! The fix for `busy_loop_wrong.rs`: the main task waits with `aio::sleep_until`, which
//! suspends it and lets the loop run the ticker: the ticks come during the wait.

#[path = "../common/mod.rs"]
mod common;

use std::time::Instant;

/// Ticks at 0.1, 0.2, ... 0.5 units after `start` (or as soon as it can after that).
async fn ticker(start: Instant) {
    for i in 1..=5 {
        aio::sleep_until(start + common::units(0.1 * f64::from(i))).await;
        println!("tick {i} at {:0.1}", common::in_units(start.elapsed()));
    }
}

async fn main_coro() {
    let t = aio::spawn(ticker(Instant::now()));
    println!("waiting");
    aio::sleep_until(aio::time::now() + common::units(0.55)).await;
    println!("done waiting");
    t.await.expect("the ticker failed");
}

fn main() {
    aio::run(main_coro());
}
