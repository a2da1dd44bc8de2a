//! The fix for `nested_run_wrong.rs`: inside a coroutine, await the other coroutine;
//! `aio::run` belongs only at the synchronous entry point.

#[path = "../common/mod.rs"]
mod common;

async fn get_data() -> u32 {
    aio::sleep(common::units(0.1)).await;
    42
}

async fn main_coro() {
    let data = get_data().await;
    println!("got {data}");
}

fn main() {
    aio::run(main_coro());
}
