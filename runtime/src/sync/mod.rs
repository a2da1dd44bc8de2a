//! Synchronisation primitives for tasks of one event loop, after asyncio's
//! `Event`, `Lock`, `Semaphore`, `Condition` and `Barrier`.
//!
//! They are single-threaded (`!Sync`): share them between tasks with `Rc`.
//! Waiters are served first come, first served, guards release on drop (the
//! `async with` of asyncio), and a waiter that is cancelled (its future
//! dropped) after being picked passes its turn on to the next waiter.
//! They are not for synchronising threads: use `std::sync` and
//! [`to_thread`](crate::to_thread) for that.
//!
//! ```
//! # use aio_runtime as aio;
//! use std::rc::Rc;
//! use aio::sync::Semaphore;
//!
//! aio::run(async {
//!     // At most two downloads at a time.
//!     let slots = Rc::new(Semaphore::new(2));
//!     let downloads = (0..5).map(|i| {
//!         let slots = slots.clone();
//!         async move {
//!             let _permit = slots.acquire().await; // async with semaphore:
//!             aio::sleep(std::time::Duration::from_millis(5)).await;
//!             i
//!         }
//!     });
//!     assert_eq!(aio::gather(downloads).await, [0, 1, 2, 3, 4]);
//! });
//! ```

mod barrier;
mod condition;
mod event;
mod lock;
mod semaphore;
pub(crate) mod waitlist;

pub use barrier::{Barrier, BarrierWaitResult};
pub use condition::Condition;
pub use event::Event;
pub use lock::{Lock, LockGuard};
pub use semaphore::{Semaphore, SemaphorePermit};
