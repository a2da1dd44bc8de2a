//! What `#[aio::coroutine]` costs: awaiting a coroutine fn against awaiting the same
//! plain `async fn`, both on the aio runtime, side by side in one criterion group
//! (`coroutine_overhead`). The claim it checks: the two lines are equal within noise.
//! `.await` on an `aio::Coroutine` (an `IntoFuture`) unwraps it to the bare future, so
//! the machine code is the plain fn's: callgrind counts the same instructions per await
//! in both lines (`valgrind --tool=callgrind` on the bench binary with
//! `--bench coroutine_overhead/<line> --profile-time 1`).
//!
//! - `ready/async_fn` vs `ready/coroutine`: 10k sequential awaits of a fn that completes
//!   on its first poll, so any per-await cost of `aio::Coroutine` (a check for task
//!   naming, a never-awaited check on drop, a copy of the future) is the whole
//!   difference.
//! - `yield_once/async_fn` vs `yield_once/coroutine`: the same, with a fn that yields to
//!   the loop once before completing (so each await also goes through the ready queue).
//!   Each line's loop is a function of its own, and the two are identical instruction for
//!   instruction (`objdump -d` on the bench binary, addresses aside). On a 2-core VM the
//!   one the linker places second ran about 10% slower, whichever it was: swap the two
//!   `awaits!` lines and the gap changes sides. A gap of that size here is code placement.
//!
//! Throughput is per await. Run:
//! `cargo bench -p aio --bench macros -- --warm-up-time 1 --measurement-time 3`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const CALLS: u64 = 10_000;

async fn plain_ready(a: u64, b: u64) -> u64 {
    a.wrapping_mul(31) ^ b
}

#[aio::coroutine]
async fn coroutine_ready(a: u64, b: u64) -> u64 {
    a.wrapping_mul(31) ^ b
}

async fn plain_yielding(a: u64, b: u64) -> u64 {
    aio::yield_now().await;
    a.wrapping_mul(31) ^ b
}

#[aio::coroutine]
async fn coroutine_yielding(a: u64, b: u64) -> u64 {
    aio::yield_now().await;
    a.wrapping_mul(31) ^ b
}

/// Benchmarks `CALLS` sequential awaits of `$f(i, acc)` on `$rt`.
macro_rules! awaits {
    ($g:expr, $rt:expr, $name:literal, $f:ident) => {
        $g.bench_function($name, |b| {
            b.iter(|| {
                $rt.block_on(async {
                    let mut acc = 0;
                    for i in 0..CALLS {
                        acc = $f(black_box(i), acc).await;
                    }
                    black_box(acc)
                })
            })
        });
    };
}

fn coroutine_overhead(c: &mut Criterion) {
    let rt = aio::Runtime::new().unwrap();
    let mut g = c.benchmark_group("coroutine_overhead");
    g.throughput(Throughput::Elements(CALLS));
    awaits!(g, rt, "ready/async_fn", plain_ready);
    awaits!(g, rt, "ready/coroutine", coroutine_ready);
    awaits!(g, rt, "yield_once/async_fn", plain_yielding);
    awaits!(g, rt, "yield_once/coroutine", coroutine_yielding);
    g.finish();
}

criterion_group!(benches, coroutine_overhead);
criterion_main!(benches);
