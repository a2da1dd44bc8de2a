//! `nested_block_on`: running a future to completion (`block_on`, `aio::run`) from
//! inside async context.
//!
//! Owns the docs and the texts; the block_on functions are in `crate::catalog` (they
//! double as the call graph's "calls block_on" marker), the engine finds the calls.

use super::blocking::Help;
use super::shape::{Rule, Shape};
use crate::catalog::tasks;
use crate::diagnostic::RuleInfo;
use crate::{Level, Runtime};

/// The descriptor.
pub(crate) const RULE: Rule = Rule {
    info: RuleInfo {
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

## Fix safety

Safe: `block_on(fut)`, `aio::run(fut)` or `handle.block_on(fut)` in async context
becomes `fut.await`; the future still runs to completion and gives the same value, only
the blocking goes. No fix inside a sync closure or a macro call.
"#,
    },
    shape: Shape::Builtin,
};

/// The message of a call that runs a future to completion (`call`, as shown) in async
/// context.
pub(crate) fn message(call: &str) -> String {
    if tasks::panics_inside_a_loop(call) {
        format!("`{call}` inside a running event loop panics: it cannot start a second loop")
    } else {
        format!(
            "`{call}` runs a future to completion inside async context, blocking the event loop"
        )
    }
}

/// The label of the call.
pub(crate) const LABEL: &str = "nested block_on";

/// The message of a call from async context to workspace fn `name`, which runs a future
/// to completion with `call` (directly or through other sync fns).
pub(crate) fn chain_message(name: &str, call: &str) -> String {
    format!("`{name}` runs a future to completion with `{call}`, inside async context")
}

/// The help of such a call.
pub(crate) const CHAIN_HELP: &str = "make it async and `.await` the future instead";

/// The help: just await it. `arg` is the source of the future, when known.
pub(crate) fn help(_runtime: Runtime, arg: Option<&str>) -> Help {
    Help {
        text: "`.await` the future instead".into(),
        replacement: arg.map(|a| format!("{a}.await")),
    }
}
