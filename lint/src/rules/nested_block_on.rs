//! `nested_block_on`: running a future to completion (`block_on`, `aio::run`) from
//! inside async context.
//!
//! Owns the docs and the help; the list of block_on functions is in `crate::catalog`
//! (it doubles as the call graph's "calls block_on" marker).

use super::{Help, RuleInfo};
use crate::{Level, Runtime};

/// The descriptor.
pub(crate) const RULE: RuleInfo = RuleInfo {
    name: "nested_block_on",
    default_level: Level::Warn,
    summary: "`block_on`/`aio::run` called from async context",
    docs: r#"## What it does

Flags, in async context: `aio::run`, `Runtime::block_on` (aio, tokio), `Handle::block_on`,
`futures::executor::block_on`, `futures_lite::future::block_on`,
`async_std::task::block_on`, `smol::block_on`, `pollster::block_on` and any `.block_on(..)`
method; and calls from async context to workspace functions that do so.

## Why is this bad

The event loop thread stops to drive the inner future, so nothing else runs; if the
inner future needs the outer loop (a timer, a socket, another task), it never finishes
and the program deadlocks. aio and tokio panic instead ("asyncio.run() cannot be called
from a running event loop").

## Example

```rust
async fn handler() -> u32 {
    futures::executor::block_on(compute())
}
```

## Use instead

```rust
async fn handler() -> u32 {
    compute().await
}
```
"#,
};

/// The help: just await it. `arg` is the source of the future, when known.
pub(crate) fn help(_runtime: Runtime, arg: Option<&str>) -> Help {
    Help {
        text: "`.await` the future instead".into(),
        replacement: arg.map(|a| format!("{a}.await")),
    }
}
