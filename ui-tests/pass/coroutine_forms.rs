// Every supported form of `#[aio::coroutine]`: free fns, generics, lifetimes, `impl Trait`
// arguments, where clauses, argument patterns, and methods with each kind of receiver.
// The call returns a lazy `aio::Coroutine` carrying the fn's name and the caller's
// location; awaiting runs it; spawning names the task after it.
use std::cell::Cell;
use std::fmt::Display;
use std::rc::Rc;

/// A documented coroutine.
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
async fn unit(flag: Rc<Cell<bool>>) {
    flag.set(true);
}

#[aio::coroutine]
async fn displayable(n: u32) -> impl Display {
    n * 10
}

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

    // The explicit lifetime on `self` is the form under test.
    #[allow(clippy::needless_lifetimes)]
    #[aio::coroutine]
    async fn prefixed<'s>(&'s self, prefix: &str) -> String {
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
}

trait Named {
    fn label(&self) -> String;
}

struct Thing;

impl Named for Thing {
    fn label(&self) -> String {
        "thing".into()
    }
}

#[aio::coroutine]
async fn labelled<N: Named + ?Sized>(named: &N) -> String {
    named.label()
}

#[aio::main]
async fn main() {
    // Lazy, named, located at the call.
    let line = line!() + 1;
    let c = add(1, 2);
    assert_eq!(c.name(), "add");
    assert_eq!(c.location().line(), line);
    assert!(c.location().file().ends_with("coroutine_forms.rs"));
    assert_eq!(c.await, 3);

    // Spawning names the task after the coroutine.
    let task = aio::spawn(add(2, 3));
    assert_eq!(task.name(), "add");
    assert_eq!(task.await.unwrap(), 5);

    // Nothing runs until awaited.
    let flag = Rc::new(Cell::new(false));
    let lazy = unit(flag.clone());
    aio::yield_now().await;
    assert!(!flag.get());
    lazy.await;
    assert!(flag.get());

    let (x, y) = (String::from("hello"), String::from("hi"));
    assert_eq!(longest(&x, &y).await, "hello");
    assert_eq!(first_word("one two").await, "one");
    assert_eq!(show(1, "st").await, "1st");
    assert_eq!(patterns((1, 2), 3, 4).await, 6);
    assert_eq!(parse("7").await, Ok(7));
    assert!(parse("x").await.is_err());
    assert_eq!(displayable(4).await.to_string(), "40");
    assert_eq!(labelled(&Thing).await, "thing");

    let mut counter = Counter { hits: 1 };
    assert_eq!(counter.get().await, 1);
    assert_eq!(counter.bump(2).await, 3);
    assert_eq!(counter.prefixed("n=").await, "n=3");
    assert_eq!(Box::new(Counter { hits: 4 }).boxed().await, 5);
    assert_eq!(counter.into_hits().await, 3);
}
