//! `blocking_fs`: `std::fs` calls, `File::open`/`create`, and blocking reads/writes on a
//! `std::fs::File`, in async context.
//!
//! Owns the list of file-system calls and the help naming the runtime's async file API.

use super::{Help, RuleInfo, call_await, offload_help};
use crate::catalog::{ASYNC_FS_FNS, Fix};
use crate::types::Ty;
use crate::{Level, Runtime};

/// The descriptor.
pub(crate) const RULE: RuleInfo = RuleInfo {
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
"#,
};

const fn f(path: &'static str, name: &'static str) -> super::BlockingCall {
    (path, Fix::FsFn(name), None)
}

/// The calls this rule flags.
pub(crate) const CALLS: &[super::BlockingCall] = &[
    f("std::fs::read", "read"),
    f("std::fs::read_to_string", "read_to_string"),
    f("std::fs::write", "write"),
    f("std::fs::read_dir", "read_dir"),
    f("std::fs::create_dir", "create_dir"),
    f("std::fs::create_dir_all", "create_dir_all"),
    f("std::fs::remove_file", "remove_file"),
    f("std::fs::remove_dir", "remove_dir"),
    f("std::fs::remove_dir_all", "remove_dir_all"),
    f("std::fs::copy", "copy"),
    f("std::fs::rename", "rename"),
    f("std::fs::metadata", "metadata"),
    f("std::fs::symlink_metadata", "symlink_metadata"),
    f("std::fs::canonicalize", "canonicalize"),
    f("std::fs::hard_link", "hard_link"),
    f("std::fs::read_link", "read_link"),
    f("std::fs::set_permissions", "set_permissions"),
    ("std::fs::exists", Fix::FsOther, None),
    ("std::fs::File::open", Fix::FileOpen("open"), Some(Ty::File)),
    (
        "std::fs::File::create",
        Fix::FileOpen("create"),
        Some(Ty::File),
    ),
    (
        "std::fs::File::create_new",
        Fix::FileOpen("create_new"),
        Some(Ty::File),
    ),
];

/// The runtime's async file API, or the offload fallback.
pub(crate) fn help(fix: Fix, runtime: Runtime, args: Option<&str>) -> Help {
    let module = match runtime {
        Runtime::Tokio => "tokio::fs",
        Runtime::AsyncStd => "async_std::fs",
        Runtime::Smol => "smol::fs",
        Runtime::Aio | Runtime::Unknown => "",
    };
    match fix {
        Fix::FsFn(name) if !module.is_empty() && ASYNC_FS_FNS.contains(&name) => {
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
