//! `blocking_process`: running a child process to completion in async context
//! (`Command::output`/`status`, `Child::wait`/`wait_with_output`).
//!
//! The calls themselves are methods of types the catalog knows; this file owns the docs
//! and the help.

use super::blocking::{Help, offload_help};
use super::shape::{Rule, Shape};
use crate::catalog::Fix;
use crate::catalog::runtimes::api;
use crate::diagnostic::RuleInfo;
use crate::{Level, Runtime};

/// The descriptor.
pub(crate) const RULE: Rule = Rule {
    info: RuleInfo {
        name: "blocking_process",
        default_level: Level::Warn,
        summary: "`std::process::Command::{output, status}` or `Child::wait` in async context",
        docs: r#"## What it does

Flags `output()` and `status()` on a `std::process::Command`, and `wait()` /
`wait_with_output()` on a `std::process::Child`, in async context (the command or child
must come from `Command::new` in the same function, or a parameter typed as one), and
calls from async context to workspace functions that do so.

## Why is this bad

They wait for the child process to exit. The event loop is stuck until it does: this is
`subprocess.run()` inside `async def`.

## Example

```rust
async fn git_head() -> std::io::Result<Vec<u8>> {
    Ok(std::process::Command::new("git").args(["rev-parse", "HEAD"]).output()?.stdout)
}
```

## Use instead

```rust
async fn git_head() -> std::io::Result<Vec<u8>> {
    Ok(tokio::process::Command::new("git").args(["rev-parse", "HEAD"]).output().await?.stdout)
}
```
"#,
    },
    shape: Shape::BlockingCall(help),
};

/// The runtime's async process API, or the offload fallback.
pub(crate) fn help(_fix: Fix, runtime: Runtime, _args: Option<&str>) -> Help {
    let text = match (api(runtime).command, runtime) {
        // tokio's `Child::wait` is async too.
        (Some(command), Runtime::Tokio) => {
            format!("use `{command}` and `.await` its `output()`/`status()`/`wait()`")
        }
        (Some(command), _) => format!("use `{command}` and `.await` its `output()`/`status()`"),
        (None, _) => offload_help(runtime),
    };
    Help {
        text,
        replacement: None,
    }
}
