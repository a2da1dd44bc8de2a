//! `blocking_wait`: waiting on a thread-synchronisation primitive in async context: std
//! (and crossbeam) channel `recv`, `JoinHandle::join`, `Condvar::wait`, `Barrier::wait`,
//! reads from stdin, writes and flushes of stdout/stderr.
//!
//! The calls are methods of types the catalog knows; this file owns the docs and the
//! help naming the async counterpart (from `crate::catalog::runtimes`).

use super::blocking::{Help, offload_help};
use super::shape::{Rule, Shape};
use crate::catalog::Fix;
use crate::catalog::runtimes::api;
use crate::diagnostic::RuleInfo;
use crate::{Level, Runtime};

/// The descriptor.
pub(crate) const RULE: Rule = Rule {
    info: RuleInfo {
        name: "blocking_wait",
        default_level: Level::Warn,
        summary: "waiting on std channels, threads, condvars, barriers or the standard streams in async context",
        docs: r#"## What it does

Flags, in async context: `recv`/`recv_timeout`/`iter` on a `std::sync::mpsc` (or
`crossbeam_channel`) receiver, `join` on a `std::thread::JoinHandle`, `wait*` on a
`std::sync::Condvar`, `wait` on a `std::sync::Barrier`, and `read_line`/`lines`/
`read_to_string` on `std::io::stdin()` (and `std::io::read_to_string(stdin())`), and
`write_all`/`write`/`flush` on `std::io::stdout()`/`stderr()` or their locks; the receiver
must be created or typed in the same function. Calls from async context to workspace
functions that wait are flagged too. (`println!` is not: it is everywhere, and short.)

## Why is this bad

These wait for another thread, which may itself be waiting for a task on this event
loop: at best every task stalls, at worst the program deadlocks. A standard stream waits
for a person at the keyboard, or for whoever reads the other end of the pipe.

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
    },
    shape: Shape::BlockingCall(help),
};

/// The async counterpart of the primitive, per runtime.
pub(crate) fn help(fix: Fix, runtime: Runtime, _args: Option<&str>) -> Help {
    let api = api(runtime);
    let text = match (fix, runtime) {
        (Fix::ChannelRecv, Runtime::Aio) => format!("use an `{}` and `.get().await`", api.channel),
        (Fix::ChannelRecv, _) => format!(
            "use an async channel (`{}`) and `.recv().await`",
            api.channel
        ),
        (Fix::Condvar, _) if api.condition.is_some() => {
            let (ty, wait) = api.condition.unwrap_or_default();
            format!("use `{ty}` and `{wait}`")
        }
        (Fix::Barrier, _) if api.barrier.is_some() => format!(
            "use `{}` and `.wait().await`",
            api.barrier.unwrap_or_default()
        ),
        (Fix::Stdin, Runtime::Tokio | Runtime::Unknown) => {
            "read with `tokio::io::stdin()` and `AsyncBufReadExt`, or move the read to `spawn_blocking`".into()
        }
        (Fix::Stdin, Runtime::AsyncStd) => "read with `async_std::io::stdin()` and `.await`".into(),
        (Fix::Stdin, Runtime::Smol) => "wrap it: `smol::Unblock::new(std::io::stdin())`".into(),
        (Fix::Stdout, Runtime::Tokio | Runtime::Unknown) => {
            "write with `tokio::io::stdout()` and `AsyncWriteExt`, or move the write to `spawn_blocking`".into()
        }
        (Fix::Stdout, Runtime::AsyncStd) => "write with `async_std::io::stdout()` and `.await`".into(),
        (Fix::Stdout, Runtime::Smol) => "wrap it: `smol::Unblock::new(std::io::stdout())`".into(),
        (Fix::ThreadJoin, _) => format!(
            "run the work as a task instead of a thread: {}",
            offload_help(runtime)
        ),
        _ => offload_help(runtime),
    };
    Help {
        text,
        replacement: None,
    }
}
