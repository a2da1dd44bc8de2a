//! `blocking_wait`: waiting on a thread-synchronisation primitive in async context: std
//! (and crossbeam) channel `recv`, `JoinHandle::join`, `Condvar::wait`, `Barrier::wait`,
//! reads from stdin.
//!
//! The calls are methods of types tracked in `crate::types`; this file owns the docs and
//! the help naming the async counterpart.

use super::{Help, RuleInfo, offload_help};
use crate::catalog::Fix;
use crate::{Level, Runtime};

/// The descriptor.
pub(crate) const RULE: RuleInfo = RuleInfo {
    name: "blocking_wait",
    default_level: Level::Warn,
    summary: "waiting on std channels, threads, condvars, barriers or stdin in async context",
    docs: r#"## What it does

Flags, in async context: `recv`/`recv_timeout`/`iter` on a `std::sync::mpsc` (or
`crossbeam_channel`) receiver, `join` on a `std::thread::JoinHandle`, `wait*` on a
`std::sync::Condvar`, `wait` on a `std::sync::Barrier`, and `read_line`/`lines`/
`read_to_string` on `std::io::stdin()`; the receiver must be created or typed in the same
function. Calls from async context to workspace functions that wait are flagged too.

## Why is this bad

These wait for another thread, which may itself be waiting for a task on this event
loop: at best every task stalls, at worst the program deadlocks.

## Example

```rust
async fn next_job(rx: std::sync::mpsc::Receiver<Job>) -> Job {
    rx.recv().unwrap()
}
```

## Use instead

```rust
async fn next_job(rx: &mut tokio::sync::mpsc::Receiver<Job>) -> Job {
    rx.recv().await.unwrap() // or aio::Queue::get().await, async_channel
}
```
"#,
};

/// The calls this rule flags by path (the rest are typed methods).
pub(crate) const CALLS: &[super::BlockingCall] = &[];

/// The async counterpart of the primitive, per runtime.
pub(crate) fn help(fix: Fix, runtime: Runtime) -> Help {
    let text = match (fix, runtime) {
        (Fix::ChannelRecv, Runtime::Aio) => "use an `aio::Queue` and `.get().await`".into(),
        (Fix::ChannelRecv, Runtime::Tokio | Runtime::Unknown) => {
            "use an async channel (`tokio::sync::mpsc`) and `.recv().await`".into()
        }
        (Fix::ChannelRecv, _) => "use an async channel (`async_channel`) and `.recv().await`".into(),
        (Fix::Condvar, Runtime::Aio) => "use `aio::sync::Condition` and `.wait().await`".into(),
        (Fix::Condvar, Runtime::Tokio | Runtime::Unknown) => "use `tokio::sync::Notify` and `.notified().await`".into(),
        (Fix::Condvar, Runtime::AsyncStd) => "use `async_std::sync::Condvar` and `.wait(guard).await`".into(),
        (Fix::Barrier, Runtime::Aio) => "use `aio::sync::Barrier` and `.wait().await`".into(),
        (Fix::Barrier, Runtime::Tokio | Runtime::Unknown) => "use `tokio::sync::Barrier` and `.wait().await`".into(),
        (Fix::Barrier, Runtime::AsyncStd) => "use `async_std::sync::Barrier` and `.wait().await`".into(),
        (Fix::Barrier, Runtime::Smol) => "use `async_lock::Barrier` and `.wait().await`".into(),
        (Fix::Stdin, Runtime::Tokio | Runtime::Unknown) => {
            "read with `tokio::io::stdin()` and `AsyncBufReadExt`, or move the read to `spawn_blocking`".into()
        }
        (Fix::Stdin, Runtime::AsyncStd) => "read with `async_std::io::stdin()` and `.await`".into(),
        (Fix::Stdin, Runtime::Smol) => "wrap it: `smol::Unblock::new(std::io::stdin())`".into(),
        (Fix::ThreadJoin, _) => format!("run the work as a task instead of a thread: {}", offload_help(runtime)),
        _ => offload_help(runtime),
    };
    Help {
        text,
        replacement: None,
    }
}
