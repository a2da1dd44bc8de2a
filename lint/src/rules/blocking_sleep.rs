//! `blocking_sleep`: `std::thread::sleep` in async context.
//!
//! Owns the docs and the help naming the runtime's async sleep; the sleeping calls are in
//! `crate::catalog`, detection (resolution, async context) is the engine's.

use super::blocking::{Help, call_await};
use super::shape::{Rule, Shape};
use crate::catalog::Fix;
use crate::catalog::runtimes::api;
use crate::diagnostic::RuleInfo;
use crate::{Level, Runtime};

/// The descriptor.
pub(crate) const RULE: Rule = Rule {
    info: RuleInfo {
        name: "blocking_sleep",
        default_level: Level::Warn,
        summary: "`std::thread::sleep` in async context blocks the event loop",
        docs: r#"## What it does

Flags `std::thread::sleep` (however it is imported or renamed) inside an async fn, an
async block or an async closure, and calls from there to sync functions of the
workspace that sleep.

## Why is this bad

A task only gives the event loop back at an `.await`. `std::thread::sleep` parks the
whole thread, so every other task on that loop (timers, sockets, other requests) stops
for the duration: this is asyncio's `time.sleep()` inside `async def`.

## Example

```rust
async fn poll_job() {
    loop {
        std::thread::sleep(std::time::Duration::from_millis(100));
        check().await;
    }
}
```

## Use instead

```rust
async fn poll_job() {
    loop {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await; // or aio::sleep(..)
        check().await;
    }
}
```

## Fix safety

Safe where the call sits directly in an async fn, block or closure and the runtime
has an async sleep: `std::thread::sleep(d)` becomes `tokio::time::sleep(d).await`
(`aio::sleep`, `async_std::task::sleep`, `smol::Timer::after`). Unsafe when the crate's
tokio dependency does not turn on `time` (the fix then needs it), and with smol where the
sleep's value is used (the timer gives an `Instant`). No fix inside a sync closure or a
macro call, for a call that only reaches a sleep through other functions, or when the
runtime is unknown.
"#,
    },
    shape: Shape::BlockingCall(help),
};

/// The runtime's async sleep.
pub(crate) fn help(_fix: Fix, runtime: Runtime, args: Option<&str>) -> Help {
    let Some(path) = api(runtime).sleep else {
        return Help {
            text: "use the runtime's async sleep, e.g. `tokio::time::sleep(d).await`".into(),
            replacement: None,
        };
    };
    Help {
        text: format!("use `{path}(d).await`"),
        replacement: call_await(path, args),
    }
}
