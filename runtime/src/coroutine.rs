//! `Coroutine<F>`: a named, lazy awaitable that records where it was created.
//!
//! This is what `#[aio::coroutine] async fn fetch()` returns. Like a Python coroutine
//! object it does nothing until it is awaited or spawned; a spawned coroutine names its
//! task; and in debug mode one that is dropped without being awaited or spawned is
//! reported as "never awaited". It is not a task: awaiting it runs it inline in the
//! current task.
//
// A `Coroutine` is an awaitable (`IntoFuture`), as a Python coroutine is an awaitable
// rather than an `asyncio.Future`: `.await` (or any `IntoFuture` consumer: `gather`,
// `wait_for`, ...) takes the inner future out, and that is the whole cost of the wrapper.
// Awaiting a coroutine fn is the same machine code as awaiting the plain async fn
// (`benches/macros.rs`; callgrind counts the same instructions per await): the name and
// location are stored only to be read by the paths that need them (the drop of an
// unawaited coroutine, `spawn`), so once the conversion is inlined they are dead stores
// the compiler removes. Spawning goes through `IntoTask`, which hands the task its name;
// no flag is kept and nothing is looked up at poll time. Generated code reaches the type
// as `::aio::__private::Coroutine`.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::panic::Location;

/// A named, lazy awaitable that records its creation site.
///
/// Await it (`.await` runs it in the current task), pass it to anything that takes an
/// `IntoFuture` (`aio::gather`, `aio::wait_for`, ...), or spawn it (`aio::spawn`; the task
/// takes its name). Where a `Future` is required (`Box::pin`, a third-party `join!`),
/// `.into_future()` gives the inner future.
///
/// ```
/// # use aio_runtime as aio;
/// let c = aio::Coroutine::new("answer", async { 42 });
/// assert_eq!(c.name(), "answer");
/// assert_eq!(aio::run(c), 42);
/// ```
#[must_use = "coroutines are lazy and do nothing unless awaited or spawned"]
pub struct Coroutine<F> {
    name: &'static str,
    location: &'static Location<'static>,
    /// `None` once taken by `.await` or `spawn`: then dropping it is not "never awaited".
    fut: Option<F>,
}

impl<F: Future> Coroutine<F> {
    /// Wraps `fut` under `name`, recording the caller's location.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// // What #[aio::coroutine] async fn fetch() generates, by hand:
    /// fn fetch() -> aio::Coroutine<impl std::future::Future<Output = u32>> {
    ///     aio::Coroutine::new("fetch", async { 200 })
    /// }
    ///
    /// aio::run(async {
    ///     assert_eq!(fetch().await, 200);
    ///     assert_eq!(aio::spawn(fetch()).name(), "fetch");
    /// });
    /// ```
    #[track_caller]
    #[inline]
    pub fn new(name: &'static str, fut: F) -> Self {
        Coroutine {
            name,
            location: Location::caller(),
            fut: Some(fut),
        }
    }
}

impl<F> Coroutine<F> {
    /// The coroutine's name (the async fn's name when made by `#[aio::coroutine]`).
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// let c = aio::Coroutine::new("greet", async {});
    /// assert_eq!(c.name(), "greet");
    /// aio::run(c);
    /// ```
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Where the coroutine was created (the call of the coroutine function).
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// let line = line!() + 1;
    /// let c = aio::Coroutine::new("greet", async {});
    /// assert_eq!((c.location().file(), c.location().line()), (file!(), line));
    /// aio::run(c);
    /// ```
    pub fn location(&self) -> &'static Location<'static> {
        self.location
    }

    /// Takes the inner future out (the coroutine is being awaited or spawned).
    #[inline]
    pub(crate) fn take(mut self) -> (F, &'static str) {
        match self.fut.take() {
            Some(fut) => (fut, self.name),
            // `fut` is `Some` until this call, which consumes the coroutine.
            None => unreachable!("a coroutine's future is taken once"),
        }
    }
}

impl<F: Future> IntoFuture for Coroutine<F> {
    type Output = F::Output;
    type IntoFuture = F;

    /// Starts awaiting the coroutine: the inner future, unwrapped.
    #[inline]
    fn into_future(self) -> F {
        self.take().0
    }
}

impl<F> Drop for Coroutine<F> {
    #[inline]
    fn drop(&mut self) {
        if self.fut.is_some() {
            never_awaited(self.name, self.location);
        }
    }
}

/// Out of line, so `Coroutine::drop` inlines as the `is_some` test alone.
#[cold]
#[inline(never)]
fn never_awaited(name: &'static str, location: &'static Location<'static>) {
    crate::debug::report_never_awaited(name, location);
}

impl<F> fmt::Debug for Coroutine<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Coroutine")
            .field("name", &self.name)
            .field("location", &self.location)
            .finish()
    }
}
