//! Pitfall: blocking code the linter cannot see (notes: "No point using synchronous
//! libraries with asyncio" and "any statement which is not an `await` statement cannot
//! cause the current Task of the event loop to be paused").
//!
//! The blocking call hides behind a `Box<dyn Fn()>` handed in from synchronous code, as
//! a plugin or a third-party callback would be: a static linter cannot know what a
//! trait object does, so `cargo aio-lint` reports nothing here. The counter task is
//! frozen while the callback sleeps, exactly as with a visible `std::thread::sleep`.
//!
//! Caught by: debug mode only (`AIO_DEBUG=1`: "task 'main' ... blocked the loop for
//! N ms", once the callback outlasts the 100 ms threshold). The fix:
//! `hidden_blocking_fixed.rs`.

#[path = "../common/mod.rs"]
mod common;

use std::time::Instant;

/// Work supplied by someone else; this code cannot see what it does.
type Callback = Box<dyn Fn() + Send + 'static>;

async fn counter() {
    let mut now = Instant::now();
    for i in 0..3 {
        let last = now;
        aio::sleep(common::units(0.01)).await;
        now = Instant::now();
        println!("{i}: Was asleep for {:0.2}", common::in_units(now - last));
    }
}

async fn main_coro(callback: Callback) {
    let t = aio::spawn(counter());
    aio::yield_now().await;
    println!("calling the callback");
    // BUG: the callback blocks, and it runs on the event loop's thread
    callback();
    println!("callback done");
    t.await.expect("the counter failed");
}

fn main() {
    let callback: Callback = Box::new(|| std::thread::sleep(common::units(0.5)));
    aio::run(main_coro(callback));
}
