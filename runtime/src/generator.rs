//! The runtime side of async generators: the one-slot hand-off that
//! `#[aio::generator]` lowers `yield` to.
//!
//! [`generator`] runs a body that receives a [`Yielder`]; each
//! `yielder.yield_(v).await` parks `v` in a shared slot and suspends the body
//! until the consumer has taken it. [`AsyncGenerator`] is the consumer's
//! [`Stream`]: asking for the next item resumes the body, so the generator is
//! lazy and runs one item ahead at most, exactly like Python's async
//! generators (`async for` is `while let Some(x) = gen.next().await`, an async
//! comprehension is `collect`). It is not a channel between tasks: the body
//! runs inside the consumer's poll, in the consumer's task.

use std::cell::Cell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_core::stream::FusedStream;

/// Builds an async generator from a body that yields through its [`Yielder`].
///
/// `#[aio::generator]` expands to a call of this function; without the macro,
/// [`AsyncGenerator::new`] is the same thing.
///
/// ```
/// # use aio_runtime as aio;
/// use aio::{AsyncGenerator, StreamExt};
///
/// let squares = AsyncGenerator::new(|y| async move {
///     for i in 1..=3 {
///         y.yield_(i * i).await;
///     }
/// });
/// let all: Vec<u32> = aio::run(squares.collect());
/// assert_eq!(all, [1, 4, 9]);
/// ```
pub fn generator<T, F, Fut>(f: F) -> AsyncGenerator<T, Fut>
where
    F: FnOnce(Yielder<T>) -> Fut,
    Fut: Future<Output = ()>,
{
    let slot = Rc::new(Cell::new(None));
    let body = f(Yielder { slot: slot.clone() });
    AsyncGenerator {
        slot,
        body: Some(Box::pin(body)),
    }
}

/// The generator body's handle for yielding values to the consumer.
///
/// ```
/// # use aio_runtime as aio;
/// use aio::{AsyncGenerator, StreamExt, Yielder};
///
/// async fn countdown(y: Yielder<u32>, from: u32) {
///     for i in (1..=from).rev() {
///         y.yield_(i).await;
///     }
/// }
///
/// let all: Vec<u32> = aio::run(AsyncGenerator::new(|y| countdown(y, 3)).collect());
/// assert_eq!(all, [3, 2, 1]);
/// ```
pub struct Yielder<T> {
    slot: Rc<Cell<Option<T>>>,
}

impl<T> fmt::Debug for Yielder<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Yielder { .. }")
    }
}

impl<T> Yielder<T> {
    /// Hands `value` to the consumer; completes when the consumer asks for the
    /// next item (Python's `yield value` inside `async def`).
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// use aio::{AsyncGenerator, StreamExt};
    ///
    /// aio::run(async {
    ///     let mut words = AsyncGenerator::new(|y| async move {
    ///         y.yield_("one").await; // suspends until the consumer asks again
    ///         y.yield_("two").await;
    ///     });
    ///     assert_eq!(words.next().await, Some("one"));
    ///     assert_eq!(words.next().await, Some("two"));
    ///     assert_eq!(words.next().await, None);
    /// });
    /// ```
    pub fn yield_(&self, value: T) -> impl Future<Output = ()> + Unpin + '_ {
        Yield {
            slot: &self.slot,
            value: Some(value),
        }
    }
}

struct Yield<'a, T> {
    slot: &'a Cell<Option<T>>,
    value: Option<T>,
}

// The value is only moved, never pinned.
impl<T> Unpin for Yield<'_, T> {}

impl<T> Future for Yield<'_, T> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        match this.value.take() {
            Some(value) => {
                // No waker is needed: the consumer polls the body again
                // exactly when it wants the next item.
                this.slot.set(Some(value));
                Poll::Pending
            }
            None => Poll::Ready(()),
        }
    }
}

/// A [`Stream`] of the values a generator body yields, produced on demand.
///
/// It is `Unpin` (the body is boxed), so `StreamExt::next` works directly.
/// Dropping it drops the suspended body, like closing a Python generator.
///
/// ```
/// # use aio_runtime as aio;
/// use aio::StreamExt;
///
/// // What #[aio::generator] functions return (as `impl Stream`): consumed lazily.
/// let evens = aio::AsyncGenerator::new(|y| async move {
///     for i in (0..10).filter(|i| i % 2 == 0) {
///         y.yield_(i).await;
///     }
/// });
/// let firsts: Vec<i32> = aio::run(evens.take(3).collect());
/// assert_eq!(firsts, [0, 2, 4]);
/// ```
pub struct AsyncGenerator<T, Fut> {
    slot: Rc<Cell<Option<T>>>,
    body: Option<Pin<Box<Fut>>>,
}

impl<T, Fut> fmt::Debug for AsyncGenerator<T, Fut> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncGenerator")
            .field("finished", &self.body.is_none())
            .finish()
    }
}

impl<T, Fut: Future<Output = ()>> AsyncGenerator<T, Fut> {
    /// Builds an async generator from a body that yields through its
    /// [`Yielder`] (the same as what `#[aio::generator]` generates).
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// use aio::StreamExt;
    ///
    /// let mut letters = aio::AsyncGenerator::new(|y| async move { y.yield_('x').await });
    /// assert_eq!(aio::run(letters.next()), Some('x'));
    /// ```
    pub fn new<F>(f: F) -> Self
    where
        F: FnOnce(Yielder<T>) -> Fut,
    {
        generator(f)
    }
}

impl<T, Fut: Future<Output = ()>> Stream for AsyncGenerator<T, Fut> {
    type Item = T;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let this = self.get_mut();
        let Some(body) = this.body.as_mut() else {
            return Poll::Ready(None);
        };
        let done = body.as_mut().poll(cx).is_ready();
        if done {
            this.body = None;
        }
        match this.slot.take() {
            Some(value) => Poll::Ready(Some(value)),
            None if done => Poll::Ready(None),
            None => Poll::Pending,
        }
    }
}

impl<T, Fut: Future<Output = ()>> FusedStream for AsyncGenerator<T, Fut> {
    fn is_terminated(&self) -> bool {
        self.body.is_none()
    }
}
