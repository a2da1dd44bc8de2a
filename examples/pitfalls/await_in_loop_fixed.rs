//! The fix for `await_in_loop_wrong.rs`: the five requests are gathered, so they wait
//! at the same time (one unit), and the results still come in argument order.

#[path = "../common/mod.rs"]
mod common;

use std::time::Instant;

async fn get_request(url: u32) -> u32 {
    aio::sleep(common::units(1.0)).await;
    url
}

async fn make_requests() {
    let results = aio::gather((1..=5).map(get_request)).await;
    for result in results {
        println!("{result}");
    }
}

fn main() {
    let s = Instant::now();
    aio::run(make_requests());
    println!("exec in {:0.2} seconds.", common::in_units(s.elapsed()));
}
