// `crate = "path"`: generated code reaches the runtime through the given path only.
// Here the path is a module standing in for a renamed `aio` dependency: it re-exports
// only what the generated code needs and counts the calls that go through it.
use aio::StreamExt;
use std::sync::atomic::{AtomicUsize, Ordering};

static RUNS: AtomicUsize = AtomicUsize::new(0);
static GENERATORS: AtomicUsize = AtomicUsize::new(0);

mod renamed {
    pub mod __private {
        pub use aio::__private::{Coroutine, RunOptions, Stream, Yielder};
        use std::sync::atomic::Ordering::SeqCst;

        pub fn run_with<F: aio::IntoTask>(options: RunOptions, fut: F) -> F::Output {
            crate::RUNS.fetch_add(1, SeqCst);
            aio::__private::run_with(options, fut)
        }

        pub fn generator<T, F, Fut>(f: F) -> aio::__private::AsyncGenerator<T, Fut>
        where
            F: FnOnce(Yielder<T>) -> Fut,
            Fut: std::future::Future<Output = ()>,
        {
            crate::GENERATORS.fetch_add(1, SeqCst);
            aio::__private::generator(f)
        }
    }
}

#[aio::coroutine(crate = "crate::renamed")]
async fn double(x: u32) -> u32 {
    x * 2
}

#[aio::generator(crate = "crate::renamed")]
async fn two() -> u32 {
    yield_!(1);
    yield_!(2);
}

fn main() {
    inner();
    assert_eq!(RUNS.load(Ordering::SeqCst), 1);
    assert_eq!(GENERATORS.load(Ordering::SeqCst), 1);
}

#[aio::main(crate = "crate::renamed")]
async fn inner() {
    assert_eq!(double(21).await, 42);
    assert_eq!(two().collect::<Vec<_>>().await, [1, 2]);
}
