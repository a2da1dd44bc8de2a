//! Every supported form of `#[aio::coroutine]`, `#[aio::generator]` and `#[aio::allow]`,
//! compiled as ordinary user code. Besides checking behaviour, this file is what
//! `cargo clippy -p aio --all-targets -- -D warnings` sees of the expanded code: it
//! must stay warning-free.

use futures::StreamExt;
use std::cell::Cell;
use std::fmt::Display;
use std::rc::Rc;
use std::time::Duration;

/// A documented, public coroutine.
#[aio::coroutine]
pub async fn add(a: u32, b: u32) -> u32 {
    aio::yield_now().await;
    a + b
}

#[aio::coroutine]
async fn longest<'a>(x: &'a str, y: &'a str) -> &'a str {
    if x.len() >= y.len() { x } else { y }
}

#[aio::coroutine]
async fn first_word(text: &str) -> &str {
    text.split(' ').next().unwrap_or("")
}

#[aio::coroutine]
async fn show<T>(value: T, suffix: impl Display) -> String
where
    T: Display,
{
    format!("{value}{suffix}")
}

#[aio::coroutine]
async fn patterns((a, b): (u32, u32), mut c: u32, _: u32) -> u32 {
    c += a;
    c + b
}

#[aio::coroutine]
async fn parse(text: &str) -> Result<u32, std::num::ParseIntError> {
    let n: u32 = text.parse()?;
    Ok(n)
}

#[aio::coroutine]
async fn mark(flag: Rc<Cell<bool>>) {
    flag.set(true);
}

#[aio::coroutine]
async fn displayable(n: u32) -> impl Display {
    n * 10
}

/// Drops its argument only when the coroutine is dropped, as the `async fn` would.
#[aio::coroutine]
async fn holds(_guard: Rc<()>) {}

struct Counter {
    hits: u32,
}

impl Counter {
    #[aio::coroutine]
    async fn get(&self) -> u32 {
        self.hits
    }

    #[aio::coroutine]
    async fn bump(&mut self, by: u32) -> u32 {
        self.hits += by;
        self.hits
    }

    #[aio::coroutine]
    async fn prefixed(&self, prefix: &str) -> String {
        format!("{prefix}{}", self.hits)
    }

    #[aio::coroutine]
    async fn into_hits(self) -> u32 {
        self.hits
    }

    #[aio::coroutine]
    async fn boxed(self: Box<Self>) -> u32 {
        self.hits + 1
    }

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
fn coroutine_is_lazy_named_and_located_at_the_call() {
    aio::run(async {
        let line = line!() + 1;
        let c = add(1, 2);
        assert_eq!(c.name(), "add");
        assert_eq!(c.location().line(), line);
        assert!(c.location().file().ends_with("macros_forms.rs"));
        assert_eq!(c.await, 3);

        let flag = Rc::new(Cell::new(false));
        let lazy = mark(flag.clone());
        aio::yield_now().await;
        assert!(!flag.get(), "ran before being awaited");
        lazy.await;
        assert!(flag.get());
    });
}

#[test]
fn spawned_coroutine_names_its_task() {
    aio::run(async {
        let task = aio::spawn(add(2, 3));
        assert_eq!(task.name(), "add");
        assert_eq!(task.await.unwrap(), 5);
    });
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
fn coroutine_forms_await_to_the_async_fn_results() {
    aio::run(async {
        let (x, y) = (String::from("hello"), String::from("hi"));
        assert_eq!(longest(&x, &y).await, "hello");
        assert_eq!(first_word("one two").await, "one");
        assert_eq!(show(1, "st").await, "1st");
        assert_eq!(patterns((1, 2), 3, 4).await, 6);
        assert_eq!(parse("7").await, Ok(7));
        assert!(parse("x").await.is_err());
        assert_eq!(displayable(4).await.to_string(), "40");
        assert_eq!(nap().await, 1);
        assert_eq!(offloaded().await, 2);
        assert_eq!(blocking_helper(), 3);

        let mut counter = Counter { hits: 1 };
        assert_eq!(counter.get().await, 1);
        assert_eq!(counter.bump(2).await, 3);
        assert_eq!(counter.prefixed("n=").await, "n=3");
        assert_eq!(counter.countdown().collect::<Vec<_>>().await, [2, 1, 0]);
        assert_eq!(Box::new(Counter { hits: 4 }).boxed().await, 5);
        assert_eq!(counter.into_hits().await, 3);
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
