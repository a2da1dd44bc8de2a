//! The fix for `sequential_awaits_wrong.rs`: `aio::gather!` runs both requests at once
//! (one unit) and returns their results in argument order.

#[path = "../common/mod.rs"]
mod common;

use std::time::Instant;

async fn get_request(url: u32) -> u32 {
    aio::sleep(common::units(1.0)).await;
    url
}

async fn main_coro() {
    let (first, second) = aio::gather!(get_request(1), get_request(2)).await;
    println!("{first} {second}");
}

fn main() {
    let s = Instant::now();
    aio::run(main_coro());
    println!("exec in {:0.2} seconds.", common::in_units(s.elapsed()));
}
