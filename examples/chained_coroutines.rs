//! Port of "Async IO design patterns": small coroutines chained by a wrapper coroutine
//! (`wrapper_corot` awaits `corot1`, then `corot2`), and a driver that gathers three
//! wrappers. Each chain takes two units; the three chains run concurrently, so the
//! whole program takes two units, not six.
//!
//! The note's program has two bugs, fixed here as intended: `print(r)` names an
//! undefined variable (it means `r1`), and `asyncio.gather([...])` passes one list
//! instead of the coroutines themselves (`gather(*[...])`). Its coroutines have empty
//! bodies (`pass`, so `r1` would be `None`); here each "network call" sleeps one unit
//! and returns a value computed from the arguments (`corot1` their sum, `corot2` their
//! product plus `r1`: `corot2` takes `r1`, which makes the chain a real one; were the
//! calls independent, gathering them would be the better design), and `main` prints
//! the gathered results and the elapsed time, which the note's driver discards.

mod common;

use std::time::Instant;

async fn corot1(args: [u32; 3]) -> u32 {
    // contains some awaitable stuff, like a network call
    aio::sleep(common::units(1.0)).await;
    args.iter().sum()
}

async fn corot2(args: [u32; 3], r1: u32) -> u32 {
    // awaits on some HTTP call
    aio::sleep(common::units(1.0)).await;
    args.iter().product::<u32>() + r1
}

async fn wrapper_corot(args: [u32; 3]) -> (u32, u32) {
    let r1 = corot1(args).await;
    println!("{r1}");
    let r2 = corot2(args, r1).await;
    (r1, r2)
}

async fn async_driver() -> Vec<(u32, u32)> {
    aio::gather(vec![
        wrapper_corot([1, 2, 3]),
        wrapper_corot([4, 5, 6]),
        wrapper_corot([7, 8, 9]),
    ])
    .await
}

fn main() {
    let s = Instant::now();
    let results = aio::run(async_driver());
    let pairs: Vec<String> = results.iter().map(|(a, b)| format!("({a}, {b})")).collect();
    println!("{}", common::py_list(&pairs));
    println!("exec in {:0.2} seconds.", common::in_units(s.elapsed()));
}
