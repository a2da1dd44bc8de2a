//! `Coroutine<F>`: a named, lazy future that records where it was created.
//!
//! This is what `#[aio::coroutine] async fn fetch()` returns (generated code reaches it as
//! `::aio::__private::Coroutine`). Like a Python coroutine object it does nothing until it
//! is awaited or spawned; a spawned coroutine names its task; and in debug mode one that is
//! dropped without ever being polled is reported as "never awaited".
//!
//! It is not a task: awaiting it runs it inline in the current task.
//!
//! Awaiting one costs a few instructions more than awaiting the bare future
//! (`benches/macros.rs`; callgrind: 33 against 14 per await of a fn ready on its first
//! poll, the stores of the name, location and flag and one thread-local test): the task
//! naming is arranged by the executor once per task, not looked up by every coroutine.
//! When a task's (or `run`'s main) future is itself a `Coroutine` — the executor knows
//! from the future's type — it raises the [`ROOT`] flag around the task's first poll. The
//! first coroutine polled then is that root one (its poll runs before anything inside
//! it), so a coroutine's first poll reads that one thread-local flag and takes the slow
//! path (naming the task, lowering the flag) only when it is up. A flag rather than the
//! root's address: publishing the address would make every main future's address escape,
//! which costs plain `async fn` awaits in it (measured: 14 -> 18 instructions per await).

use std::cell::Cell;
use std::fmt;
use std::future::Future;
use std::panic::Location;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::executor::current_core;

/// The start of `type_name::<Coroutine<F>>()`, used to name tasks from the type alone.
pub(crate) const COROUTINE_TYPE_PREFIX: &str = "aio_runtime::coroutine::Coroutine<";

thread_local! {
    /// Up while the executor polls, for the first time, a task whose future is a
    /// `Coroutine` that should name it; down otherwise (nearly always).
    static ROOT: Cell<bool> = const { Cell::new(false) };
}

/// True when `F` is a `Coroutine<_>`: the executor asks this once per task, in code
/// monomorphised for the task's future type.
pub(crate) fn is_coroutine<F>() -> bool {
    std::any::type_name::<F>().starts_with(COROUTINE_TYPE_PREFIX)
}

/// Runs `poll`, a poll of a task's root future; when `root_coroutine` (its first poll, and
/// [`is_coroutine`] said yes), the root coroutine may name the task meanwhile. One call
/// site for `poll` either way, so it inlines as well as a bare poll.
#[inline]
pub(crate) fn poll_root<R>(root_coroutine: bool, poll: impl FnOnce() -> R) -> R {
    struct Lower(bool);
    impl Drop for Lower {
        fn drop(&mut self) {
            if self.0 {
                ROOT.with(|r| r.set(false));
            }
        }
    }
    if root_coroutine {
        ROOT.with(|r| r.set(true));
    }
    let _lower = Lower(root_coroutine);
    poll()
}

/// A named, lazy future that records its creation site.
///
/// ```
/// let c = aio_runtime::Coroutine::new("answer", async { 42 });
/// assert_eq!(c.name(), "answer");
/// assert_eq!(aio_runtime::run(c), 42);
/// ```
#[must_use = "coroutines are lazy and do nothing unless awaited or spawned"]
pub struct Coroutine<F> {
    name: &'static str,
    location: &'static Location<'static>,
    polled: bool,
    fut: F,
}

impl<F: Future> Coroutine<F> {
    /// Wraps `fut` under `name`, recording the caller's location.
    #[track_caller]
    pub fn new(name: &'static str, fut: F) -> Self {
        Coroutine {
            name,
            location: Location::caller(),
            polled: false,
            fut,
        }
    }
}

impl<F> Coroutine<F> {
    /// The coroutine's name (the async fn's name when made by `#[aio::coroutine]`).
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Where the coroutine was created (the call of the coroutine function).
    pub fn location(&self) -> &'static Location<'static> {
        self.location
    }
}

impl<F: Future> Future for Coroutine<F> {
    type Output = F::Output;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SAFETY: `fut` is structurally pinned: it is never moved out, `Drop` below does
        // not move it, and there is no `Unpin` impl beyond the auto one (which requires
        // `F: Unpin`). The other fields are plain data, not pinned.
        let this = unsafe { self.get_unchecked_mut() };
        if !this.polled {
            if ROOT.with(Cell::get) {
                name_task(this.name);
            }
            // Set after the (cold, opaque) call: once this poll is inlined into the
            // awaiting future, the compiler then knows `polled` at the drop that follows
            // and removes the never-awaited test (measured: 2 instructions per await).
            this.polled = true;
        }
        // SAFETY: see above.
        unsafe { Pin::new_unchecked(&mut this.fut) }.poll(cx)
    }
}

/// The root coroutine's first poll: the running task (or main future) takes its name.
#[cold]
#[inline(never)]
fn name_task(name: &'static str) {
    ROOT.with(|r| r.set(false));
    if let Some(core) = current_core() {
        core.name_root(name);
    }
}

impl<F> Drop for Coroutine<F> {
    #[inline]
    fn drop(&mut self) {
        if !self.polled {
            never_awaited(self.name, self.location);
        }
    }
}

/// Out of line, so `Coroutine::drop` inlines as the `polled` test alone.
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

#[cfg(test)]
mod tests {
    #[test]
    fn type_prefix_matches() {
        assert!(super::is_coroutine::<super::Coroutine<()>>());
        assert!(!super::is_coroutine::<std::future::Ready<()>>());
    }
}
