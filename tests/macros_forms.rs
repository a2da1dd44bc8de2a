//! Every supported form of `#[aio::coroutine]`, `#[aio::generator]` and `#[aio::allow]`,
//! compiled as ordinary user code. Besides checking behaviour, this file is what
//! `cargo clippy -p aio --all-targets -- -D warnings` sees of the expanded code: it
//! must stay warning-free. The coroutine forms are the trybuild pass case
//! `ui-tests/pass/coroutine_forms.rs`, included here (one source for both suites) and run
//! as a test.

use aio::StreamExt;
use std::rc::Rc;
use std::time::Duration;

/// The trybuild pass case of every coroutine form, run as a test.
mod coroutine_forms {
    include!("../ui-tests/pass/coroutine_forms.rs");

    #[test]
    fn every_coroutine_form_is_lazy_named_located_and_awaits_to_the_fns_result() {
        main();
    }
}

/// Drops its argument only when the coroutine is dropped, as the `async fn` would.
#[aio::coroutine]
async fn holds(_guard: Rc<()>) {}

struct Counter {
    hits: u32,
}

impl Counter {
    #[aio::generator]
    async fn countdown(&self) -> u32 {
        for i in (0..self.hits).rev() {
            yield_!(i);
        }
    }
}

#[aio::coroutine(allow_blocking)]
async fn nap() -> u32 {
    std::thread::sleep(Duration::from_millis(1));
    1
}

#[aio::coroutine]
async fn offloaded() -> u32 {
    aio::to_thread(|| {
        std::thread::sleep(Duration::from_millis(1));
        2
    })
    .await
    .unwrap()
}

#[aio::generator]
async fn mygen(b: u64, n: u32) -> u64 {
    for i in 0..n {
        yield_!(b.pow(i));
    }
}

#[aio::generator]
async fn until_three(n: u32) -> u32 {
    for i in 0..n {
        aio::sleep(Duration::from_millis(1)).await;
        if i == 3 {
            return;
        }
        yield_!(i);
    }
}

#[aio::generator]
async fn repeat<T: Clone>(value: T, times: usize) -> T {
    for _ in 0..times {
        yield_!(value.clone());
    }
}

#[aio::allow(blocking_sleep)]
fn blocking_helper() -> u32 {
    std::thread::sleep(Duration::from_millis(1));
    3
}

#[test]
fn coroutine_keeps_arguments_alive_until_dropped() {
    let guard = Rc::new(());
    let c = holds(guard.clone());
    assert_eq!(Rc::strong_count(&guard), 2);
    drop(c);
    assert_eq!(Rc::strong_count(&guard), 1);
}

#[test]
fn blocking_forms_and_a_generator_method() {
    aio::run(async {
        assert_eq!(nap().await, 1);
        assert_eq!(offloaded().await, 2);
        assert_eq!(blocking_helper(), 3);
        let counter = Counter { hits: 3 };
        assert_eq!(counter.countdown().collect::<Vec<_>>().await, [2, 1, 0]);
    });
}

#[test]
fn generator_is_the_notes_async_for() {
    aio::run(async {
        let mut stream = std::pin::pin!(mygen(2, 5));
        let mut seen = Vec::new();
        while let Some(x) = stream.next().await {
            seen.push(x);
        }
        assert_eq!(seen, [1, 2, 4, 8, 16]);
        assert_eq!(mygen(3, 3).collect::<Vec<_>>().await, [1, 3, 9]);
        assert_eq!(until_three(10).collect::<Vec<_>>().await, [0, 1, 2]);
        assert_eq!(repeat('a', 2).collect::<String>().await, "aa");
    });
}

#[test]
fn generator_is_lazy_and_suspends_at_each_yield() {
    let log = Rc::new(std::cell::RefCell::new(Vec::new()));
    #[aio::generator]
    async fn logged(log: Rc<std::cell::RefCell<Vec<String>>>) -> u32 {
        for i in 0..2 {
            log.borrow_mut().push(format!("yield {i}"));
            yield_!(i);
        }
        log.borrow_mut().push("done".into());
    }
    aio::run(async {
        let mut stream = std::pin::pin!(logged(log.clone()));
        assert!(log.borrow().is_empty());
        while let Some(i) = stream.next().await {
            log.borrow_mut().push(format!("got {i}"));
        }
    });
    assert_eq!(
        *log.borrow(),
        ["yield 0", "got 0", "yield 1", "got 1", "done"]
    );
}
