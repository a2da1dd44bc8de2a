//! Pitfall: a loop with no yield point (notes: "the currently executing Task cannot be
//! paused by any means other than awaiting a Future"; "any statement which is not an
//! `await` statement cannot cause the current Task of the event loop to be paused").
//!
//! A ticker task should tick every tenth of a unit while the main task waits half a
//! unit; but the main task waits by spinning on the clock, which never yields, so the
//! ticker cannot run until the wait is over: no tick comes before `done waiting`.
//!
//! Caught by: `cargo aio-lint` (`busy_wait`), and at run time by debug mode
//! (`AIO_DEBUG=1`: "task 'main' ... blocked the loop for N ms" once the spin outlasts
//! the 100 ms threshold). The fix: `busy_loop_fixed.rs`.

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
    let deadline = Instant::now() + common::units(0.55);
    // BUG: spins without ever yielding to the loop
    while Instant::now() < deadline {
        std::hint::spin_loop();
    }
    println!("done waiting");
    t.await.expect("the ticker failed");
}

fn main() {
    aio::run(main_coro());
}
