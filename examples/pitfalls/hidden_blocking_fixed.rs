//! The fix for `hidden_blocking_wrong.rs`: code of unknown cost runs on a worker thread
//! with `aio::to_thread`, so the counter keeps ticking while it runs.

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
    aio::to_thread(callback)
        .await
        .expect("the callback panicked");
    println!("callback done");
    t.await.expect("the counter failed");
}

fn main() {
    let callback: Callback = Box::new(|| std::thread::sleep(common::units(0.5)));
    aio::run(main_coro(callback));
}
