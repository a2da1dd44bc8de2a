//! Port of "`async for` and asynchronous comprehensions": `mygen(b, n)` is an async
//! generator that yields `b ** i` and sleeps one unit after each value. The driver
//! first collects `mygen(2, 10)` (the async comprehension `[i async for i in ...]`),
//! then iterates `mygen(3, 5)` with the `async for` loop, printing each value.
//!
//! The generator is lazy and runs one step per request, so the output alternates
//! `Yielding a value` / `Back after sleeping`, with the driver's prints in between.

mod common;

use std::pin::pin;

use aio::StreamExt;

#[aio::generator]
async fn mygen(b: u64, n: u32) -> u64 {
    let mut i = 0;
    while i < n {
        println!("Yielding a value");
        yield_!(b.pow(i));
        i += 1;
        // Here the task gives control to the event loop
        aio::sleep(common::units(1.0)).await;
        println!("Back after sleeping");
    }
}

// `async for` gives control back to the event loop while the generator awaits
async fn async_driver() -> Vec<u64> {
    // async comprehension
    let g: Vec<u64> = mygen(2, 10).collect().await;

    // async for
    let mut values = pin!(mygen(3, 5));
    while let Some(j) = values.next().await {
        println!("{j}");
    }
    g
}

fn main() {
    let g = aio::run(async_driver());
    // The note's driver returns `g` and nobody prints it; check it instead.
    assert_eq!(g, (0..10).map(|i| 2u64.pow(i)).collect::<Vec<_>>());
}
