//! [`Semaphore`]: a counter of permits that tasks wait for.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::waitlist::{Key, WaitList};

/// A pool of permits (asyncio's `Semaphore`): at most `n` holders at once.
///
/// Waiters are served in arrival order: a released permit goes straight to
/// the oldest waiter. Permits return to the pool when dropped.
///
/// ```
/// # use aio_runtime as aio;
/// use aio::sync::Semaphore;
///
/// let sem = Semaphore::new(1);
/// let permit = sem.try_acquire().unwrap();
/// assert!(sem.try_acquire().is_none());
/// drop(permit);
/// assert_eq!(sem.available_permits(), 1);
/// ```
pub struct Semaphore {
    inner: RefCell<Inner>,
}

struct Inner {
    permits: usize,
    waiters: WaitList,
}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Semaphore")
            .field("permits", &self.available_permits())
            .finish()
    }
}

impl Semaphore {
    /// A semaphore with `permits` permits.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// let sem = aio::sync::Semaphore::new(3);
    /// assert_eq!(sem.available_permits(), 3);
    /// ```
    pub fn new(permits: usize) -> Self {
        Self {
            inner: RefCell::new(Inner {
                permits,
                waiters: WaitList::new(),
            }),
        }
    }

    /// Permits free now (asyncio's `locked()` is `available_permits() == 0`).
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// let sem = aio::sync::Semaphore::new(2);
    /// let _permit = sem.try_acquire().unwrap();
    /// assert_eq!(sem.available_permits(), 1);
    /// ```
    pub fn available_permits(&self) -> usize {
        self.inner.borrow().permits
    }

    /// Waits for a permit.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// aio::run(async {
    ///     let sem = aio::sync::Semaphore::new(1);
    ///     let permit = sem.acquire().await;
    ///     assert_eq!(sem.available_permits(), 0);
    ///     drop(permit); // back to the pool
    ///     assert_eq!(sem.available_permits(), 1);
    /// });
    /// ```
    #[track_caller]
    pub fn acquire(&self) -> impl Future<Output = SemaphorePermit<'_>> + Unpin + '_ {
        crate::debug::mark("Semaphore::acquire", std::panic::Location::caller());
        Acquire {
            sem: self,
            key: None,
        }
    }

    /// Takes a permit if one is free and nobody is queued for it.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// let sem = aio::sync::Semaphore::new(1);
    /// let held = sem.try_acquire();
    /// assert!(held.is_some());
    /// assert!(sem.try_acquire().is_none());
    /// ```
    pub fn try_acquire(&self) -> Option<SemaphorePermit<'_>> {
        let mut inner = self.inner.borrow_mut();
        if inner.permits == 0 || inner.waiters.waiting() > 0 {
            return None;
        }
        inner.permits -= 1;
        Some(SemaphorePermit { sem: self })
    }

    /// Adds `n` permits (asyncio's bare `release()`), waking up to `n` waiters.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// let sem = aio::sync::Semaphore::new(0);
    /// sem.add_permits(2);
    /// assert_eq!(sem.available_permits(), 2);
    /// ```
    pub fn add_permits(&self, n: usize) {
        for _ in 0..n {
            self.release();
        }
    }

    fn release(&self) {
        let mut inner = self.inner.borrow_mut();
        if !inner.waiters.notify_one() {
            inner.permits += 1;
        }
    }
}

struct Acquire<'a> {
    sem: &'a Semaphore,
    key: Option<Key>,
}

impl<'a> Future for Acquire<'a> {
    type Output = SemaphorePermit<'a>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<SemaphorePermit<'a>> {
        let this = self.get_mut();
        let mut inner = this.sem.inner.borrow_mut();
        match this.key {
            Some(key) => {
                if !inner.waiters.poll_key(key, cx.waker()) {
                    return Poll::Pending;
                }
                // Notified: a releasing holder handed its permit to us.
                this.key = None;
            }
            None if inner.permits > 0 && inner.waiters.waiting() == 0 => inner.permits -= 1,
            None => {
                this.key = Some(inner.waiters.push_back(Some(cx.waker().clone())));
                return Poll::Pending;
            }
        }
        Poll::Ready(SemaphorePermit { sem: this.sem })
    }
}

impl Drop for Acquire<'_> {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            let handed_over = self.sem.inner.borrow_mut().waiters.cancel(key);
            if handed_over {
                self.sem.release();
            }
        }
    }
}

/// One permit of a [`Semaphore`], returned to it on drop.
///
/// ```
/// # use aio_runtime as aio;
/// aio::run(async {
///     let sem = aio::sync::Semaphore::new(1);
///     {
///         let _permit: aio::sync::SemaphorePermit<'_> = sem.acquire().await;
///         assert_eq!(sem.available_permits(), 0);
///     } // dropped: returned
///     assert_eq!(sem.available_permits(), 1);
/// });
/// ```
#[derive(Debug)]
pub struct SemaphorePermit<'a> {
    sem: &'a Semaphore,
}

impl SemaphorePermit<'_> {
    /// Drops the permit without returning it: the semaphore has one fewer.
    ///
    /// ```
    /// # use aio_runtime as aio;
    /// let sem = aio::sync::Semaphore::new(2);
    /// sem.try_acquire().unwrap().forget(); // shrink the pool by one for good
    /// assert_eq!(sem.available_permits(), 1);
    /// ```
    pub fn forget(self) {
        std::mem::forget(self);
    }
}

impl Drop for SemaphorePermit<'_> {
    fn drop(&mut self) {
        self.sem.release();
    }
}
