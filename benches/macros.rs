//! What `#[aio::coroutine]` costs: awaiting a coroutine fn against awaiting the same
//! plain `async fn`, on the aio runtime, in one run.
//!
//! - `await_ready`: 10k sequential awaits of a fn that completes on its first poll (any
//!   overhead of the wrapper is the whole difference here).
//! - `await_yielding`: 10k sequential awaits of a fn that yields to the loop once.
//!
//! Each group has three lines: the plain `async fn`; `#[aio::coroutine]` as shipped
//! (returning `aio::Coroutine`); and `expansion_only`, the same macro expansion pointed
//! with `crate = "..."` at a `Coroutine` that is a bare newtype. The last one separates
//! what the macro's expansion costs (argument re-binding, the `async move` block, the
//! `#[track_caller]` location) from what `aio::Coroutine`'s run-time features cost
//! (the task naming on first poll and the never-awaited check on drop).
//!
//! Throughput is per await. Run:
//! `cargo bench --bench macros -- --warm-up-time 1 --measurement-time 2`.

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

/// A `Coroutine` with none of the runtime's features, for `expansion_only`.
mod bare {
    pub mod __private {
        use std::future::Future;
        use std::panic::Location;
        use std::pin::Pin;
        use std::task::{Context, Poll};

        pub struct Coroutine<F> {
            _name: &'static str,
            _location: &'static Location<'static>,
            fut: F,
        }

        impl<F> Coroutine<F> {
            #[track_caller]
            pub fn new(name: &'static str, fut: F) -> Self {
                Coroutine {
                    _name: name,
                    _location: Location::caller(),
                    fut,
                }
            }
        }

        impl<F: Future> Future for Coroutine<F> {
            type Output = F::Output;
            fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
                // SAFETY: `fut` is structurally pinned: never moved out of the pinned
                // `Coroutine`, which has no `Drop` impl and no manual `Unpin`.
                unsafe { self.map_unchecked_mut(|c| &mut c.fut) }.poll(cx)
            }
        }
    }
}

#[aio::coroutine(crate = "crate::bare")]
async fn expansion_ready(a: u64, b: u64) -> u64 {
    a.wrapping_mul(31) ^ b
}

#[aio::coroutine(crate = "crate::bare")]
async fn expansion_yielding(a: u64, b: u64) -> u64 {
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

fn await_ready(c: &mut Criterion) {
    let rt = aio::Runtime::new().unwrap();
    let mut g = c.benchmark_group("await_ready");
    g.throughput(Throughput::Elements(CALLS));
    awaits!(g, rt, "async_fn", plain_ready);
    awaits!(g, rt, "coroutine", coroutine_ready);
    awaits!(g, rt, "expansion_only", expansion_ready);
    g.finish();
}

fn await_yielding(c: &mut Criterion) {
    let rt = aio::Runtime::new().unwrap();
    let mut g = c.benchmark_group("await_yielding");
    g.throughput(Throughput::Elements(CALLS));
    awaits!(g, rt, "async_fn", plain_yielding);
    awaits!(g, rt, "coroutine", coroutine_yielding);
    awaits!(g, rt, "expansion_only", expansion_yielding);
    g.finish();
}

criterion_group!(benches, await_ready, await_yielding);
criterion_main!(benches);
