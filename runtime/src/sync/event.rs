//! [`Event`]: a flag that tasks can wait for.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::waitlist::{Key, WaitList};

/// A flag that tasks wait on until another task sets it (asyncio's `Event`).
///
/// ```
/// # use aio_runtime as aio;
/// use std::rc::Rc;
/// use aio::sync::Event;
///
/// aio::run(async {
///     let ready = Rc::new(Event::new());
///     let waiter = aio::spawn({
///         let ready = ready.clone();
///         async move { ready.wait().await }
///     });
///     aio::yield_now().await;
///     assert!(!waiter.done()); // waits for the flag
///     ready.set();
///     waiter.await.unwrap();
/// });
/// let ev = Event::new();
/// assert!(!ev.is_set());
/// ev.set();
/// assert!(ev.is_set());
/// ```
#[derive(Default)]
pub struct Event {
    inner: RefCell<Inner>,
}

#[derive(Default)]
struct Inner {
    set: bool,
    waiters: WaitList,
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Event")
            .field("set", &self.is_set())
            .finish()
    }
}

impl Event {
    /// A new event, not set.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// assert!(!aio::sync::Event::new().is_set());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the flag is set.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// let ev = aio::sync::Event::new();
    /// ev.set();
    /// assert!(ev.is_set());
    /// ```
    pub fn is_set(&self) -> bool {
        self.inner.borrow().set
    }

    /// Sets the flag and wakes every task waiting for it.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let ev = aio::sync::Event::new();
    ///     let ((), ()) = aio::gather!(ev.wait(), async { ev.set() }).await;
    /// });
    /// ```
    pub fn set(&self) {
        let mut inner = self.inner.borrow_mut();
        inner.set = true;
        inner.waiters.notify_all();
    }

    /// Clears the flag; later [`wait`](Self::wait)s block until it is set again.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// let ev = aio::sync::Event::new();
    /// ev.set();
    /// ev.clear();
    /// assert!(!ev.is_set());
    /// ```
    pub fn clear(&self) {
        self.inner.borrow_mut().set = false;
    }

    /// Waits until the flag is set. A waiter woken by [`set`](Self::set)
    /// completes even if the flag was cleared again before it ran.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let ev = aio::sync::Event::new();
    ///     ev.set();
    ///     ev.wait().await; // already set: returns at once
    /// });
    /// ```
    #[track_caller]
    pub fn wait(&self) -> impl Future<Output = ()> + Unpin + '_ {
        crate::debug::mark("Event::wait", std::panic::Location::caller());
        Wait {
            event: self,
            key: None,
        }
    }
}

struct Wait<'a> {
    event: &'a Event,
    key: Option<Key>,
}

impl Future for Wait<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        let mut inner = this.event.inner.borrow_mut();
        match this.key {
            Some(key) => {
                if inner.waiters.poll_key(key, cx.waker()) {
                    this.key = None;
                    Poll::Ready(())
                } else {
                    Poll::Pending
                }
            }
            None if inner.set => Poll::Ready(()),
            None => {
                this.key = Some(inner.waiters.push_back(Some(cx.waker().clone())));
                Poll::Pending
            }
        }
    }
}

impl Drop for Wait<'_> {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            // `set` wakes everyone, so there is no turn to pass on.
            self.event.inner.borrow_mut().waiters.cancel(key);
        }
    }
}
