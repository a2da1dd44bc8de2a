//! `blocking_fs`: `std::fs` calls, `File::open`/`create`, and blocking reads/writes on a
//! `std::fs::File`, in async context.
//!
//! Owns the docs and the help naming the runtime's async file API; the file-system calls
//! are in `crate::catalog`.

use super::blocking::{Help, call_await, offload_help};
use super::shape::{Rule, Shape};
use crate::catalog::Fix;
use crate::catalog::runtimes::{FS_TWINS, api};
use crate::diagnostic::RuleInfo;
use crate::{Level, Runtime};

/// The descriptor.
pub(crate) const RULE: Rule = Rule {
    info: RuleInfo {
        name: "blocking_fs",
        default_level: Level::Warn,
        summary: "blocking file-system calls (`std::fs`, `File` reads and writes) in async context",
        docs: r#"## What it does

Flags `std::fs::*` functions (`read_to_string`, `write`, `read_dir`, `remove_file`, ...),
`std::fs::File::open`/`create`, `OpenOptions::open`, and the blocking `Read`/`Write`
methods (`read_to_end`, `write_all`, `sync_all`, ...) called on a `std::fs::File` bound in
the same function, when they run in async context, and calls from there to workspace
functions that do so.

## Why is this bad

File-system calls block the thread until the disk answers: milliseconds on a busy or
networked disk, during which no other task on the event loop runs.

## Example

```rust
async fn load(path: &str) -> std::io::Result<String> {
    std::fs::read_to_string(path)
}
```

## Use instead

```rust
async fn load(path: &str) -> std::io::Result<String> {
    tokio::fs::read_to_string(path).await // or async_std::fs / smol::fs / aio::to_thread(..)
}
```

## Fix safety

Safe with tokio (when its `fs` feature is on) and smol: a `std::fs` function with a
same-shaped async twin (`read_to_string`, `write`, `copy`, `remove_file`, ...) becomes
the runtime's, `tokio::fs::read_to_string(p).await`, with the same arguments and the
same `io::Result`. Unsafe with async-std, whose twins take its own `Path` type, and with
tokio without `fs`. No fix for `read_dir` (a stream in every runtime), for
`File::open`/`File::create` and the reads and writes on the handle (every later use
would have to change with it), for aio (no async file system: use `aio::to_thread`),
inside a sync closure or a macro call.
"#,
    },
    shape: Shape::BlockingCall(help),
};

/// The runtime's async file API, or the offload fallback.
pub(crate) fn help(fix: Fix, runtime: Runtime, args: Option<&str>) -> Help {
    let module = api(runtime).fs.unwrap_or("");
    match fix {
        Fix::FsFn(name) if !module.is_empty() && FS_TWINS.contains(&name) => {
            let path = format!("{module}::{name}");
            Help {
                text: format!("use `{path}(..).await`"),
                replacement: call_await(&path, args),
            }
        }
        Fix::FileOpen(name @ ("open" | "create")) if !module.is_empty() => {
            let path = format!("{module}::File::{name}");
            Help {
                text: format!("use `{path}(..).await`"),
                replacement: call_await(&path, args),
            }
        }
        Fix::FileIo if !module.is_empty() => Help {
            text: format!(
                "open the file with `{module}::File` and use its async read/write methods, or {}",
                offload_help(runtime)
            ),
            replacement: None,
        },
        _ if runtime == Runtime::Unknown => Help {
            text: format!(
                "use an async file API (e.g. `tokio::fs`), or {}",
                offload_help(runtime)
            ),
            replacement: None,
        },
        _ => Help {
            text: offload_help(runtime),
            replacement: None,
        },
    }
}
