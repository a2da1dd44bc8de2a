//! `Coroutine<F>`: a named, lazy future that records where it was created.
//!
//! This is what `#[aio::coroutine] async fn fetch()` returns (generated code reaches it as
//! `::aio::__private::Coroutine`). Like a Python coroutine object it does nothing until it
//! is awaited or spawned; a spawned coroutine names its task; and in debug mode one that is
//! dropped without ever being polled is reported as "never awaited".
//!
//! It is not a task: awaiting it runs it inline in the current task.

use std::fmt;
use std::future::Future;
use std::panic::Location;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::executor::current_core;

/// The start of `type_name::<Coroutine<F>>()`, used to name tasks from the type alone.
pub(crate) const COROUTINE_TYPE_PREFIX: &str = "aio_runtime::coroutine::Coroutine<";

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

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SAFETY: `fut` is structurally pinned: it is never moved out, `Drop` below does
        // not move it, and there is no `Unpin` impl beyond the auto one (which requires
        // `F: Unpin`). The other fields are plain data, not pinned.
        let this = unsafe { self.get_unchecked_mut() };
        if !this.polled {
            this.polled = true;
            if let Some(core) = current_core() {
                core.name_root(std::any::type_name::<Self>(), this.name);
            }
        }
        // SAFETY: see above.
        unsafe { Pin::new_unchecked(&mut this.fut) }.poll(cx)
    }
}

impl<F> Drop for Coroutine<F> {
    fn drop(&mut self) {
        if !self.polled {
            crate::debug::report_never_awaited(self.name, self.location);
        }
    }
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
        assert!(
            std::any::type_name::<super::Coroutine<()>>().starts_with(super::COROUTINE_TYPE_PREFIX)
        );
    }
}
