//! Port of "Defining the Rules of Asyncio" and "Defining the `async def` Syntax":
//! a coroutine suspends at `await` until what it waits on is ready
//! (`async def g(): r = await f(); return r`), `await` and `return` make a coroutine,
//! and `yield` in an `async def` makes an async generator (`#[aio::generator]` here).
//!
//! The note's other two snippets are errors, and are errors in Rust too, at compile
//! time: `yield from` in an `async def` (Rust has no delegation; a generator yields
//! each item itself) and `await` outside `async def` (rustc's E0728, "`await` is only
//! allowed inside `async` functions and blocks"). The notes' snippets print nothing;
//! this port prints what each coroutine returns or yields. It also shows
//! `#[aio::main]`, the attribute form of `aio::run(main())`.

mod common;

use aio::StreamExt;

/// Some awaitable work: doubles `x` after a tenth of a unit.
async fn z(x: u32) -> u32 {
    aio::sleep(common::units(0.1)).await;
    x * 2
}

/// `async def f(x): y = await z(x); return y` — `await` and `return` allowed.
#[allow(clippy::let_and_return)] // the note's shape: bind the awaited value, return it
async fn f(x: u32) -> u32 {
    let y = z(x).await;
    y
}

/// `async def g(): r = await f(); return r` — pause here and come back to `g` when
/// `f` is ready.
#[allow(clippy::let_and_return)] // the note's shape
async fn g() -> u32 {
    let r = f(21).await;
    r
}

/// `async def g(x): yield x` — an async generator.
#[aio::generator]
async fn g_gen(x: u32) -> u32 {
    yield_!(x);
}

#[aio::main]
async fn main() {
    println!("f(2) returned {}", f(2).await);
    println!("g() returned {}", g().await);
    let yielded: Vec<u32> = g_gen(7).collect().await;
    println!("g(7) yielded {}", common::py_list(&yielded));
}
