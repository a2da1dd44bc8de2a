//! aio-runtime: a single-threaded event loop with asyncio's vocabulary.
#![warn(missing_docs)]
