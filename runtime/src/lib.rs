//! aio-runtime: a single-threaded event loop with asyncio's vocabulary.
#![warn(missing_docs)]

pub mod sync;
mod queue;
pub use queue::{LifoQueue, PriorityQueue, Queue, QueueClosed, TryGetError, TryPutError};
