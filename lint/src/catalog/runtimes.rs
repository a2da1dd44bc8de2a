//! Each runtime's replacements for the blocking APIs and its async counterparts of sync
//! primitives, as help texts name them: the async sleep, the async file-system and network
//! modules, the process API, the way to run a blocking closure on a thread pool, the
//! yield, the async mutex, the async channel, condition and barrier. For
//! [`Runtime::Unknown`] the fields that have a sensible default name tokio's API; the
//! others are `None` and the help falls back to a generic wording.

use crate::options::Runtime;

/// One runtime's async APIs, by path.
#[derive(Debug)]
pub(crate) struct RuntimeApi {
    /// The async sleep (`tokio::time::sleep`).
    pub(crate) sleep: Option<&'static str>,
    /// The async file-system module, whose functions are named like `std::fs`'s
    /// ([`FS_TWINS`]) and which has a `File` type.
    pub(crate) fs: Option<&'static str>,
    /// The async networking module, with `TcpStream::connect`.
    pub(crate) net: Option<&'static str>,
    /// The async DNS lookup.
    pub(crate) lookup_host: Option<&'static str>,
    /// The async `Command`.
    pub(crate) command: Option<&'static str>,
    /// The function that runs a blocking closure on a thread pool and returns a future.
    pub(crate) offload: &'static str,
    /// The yield to the scheduler.
    pub(crate) yield_now: &'static str,
    /// The async mutex.
    pub(crate) mutex: &'static str,
    /// The async channel (or aio's queue) that replaces a std channel.
    pub(crate) channel: &'static str,
    /// The async condition variable and the method awaited on it.
    pub(crate) condition: Option<(&'static str, &'static str)>,
    /// The async barrier.
    pub(crate) barrier: Option<&'static str>,
}

const AIO: RuntimeApi = RuntimeApi {
    sleep: Some("aio::sleep"),
    fs: None,
    net: Some("aio::net"),
    lookup_host: None,
    command: None,
    offload: "aio::to_thread",
    yield_now: "aio::yield_now",
    mutex: "aio::sync::Lock",
    channel: "aio::Queue",
    condition: Some(("aio::sync::Condition", ".wait().await")),
    barrier: Some("aio::sync::Barrier"),
};

const TOKIO: RuntimeApi = RuntimeApi {
    sleep: Some("tokio::time::sleep"),
    fs: Some("tokio::fs"),
    net: Some("tokio::net"),
    lookup_host: Some("tokio::net::lookup_host"),
    command: Some("tokio::process::Command"),
    offload: "tokio::task::spawn_blocking",
    yield_now: "tokio::task::yield_now",
    mutex: "tokio::sync::Mutex",
    channel: "tokio::sync::mpsc",
    condition: Some(("tokio::sync::Notify", ".notified().await")),
    barrier: Some("tokio::sync::Barrier"),
};

const ASYNC_STD: RuntimeApi = RuntimeApi {
    sleep: Some("async_std::task::sleep"),
    fs: Some("async_std::fs"),
    net: Some("async_std::net"),
    lookup_host: None,
    command: Some("async_process::Command"),
    offload: "async_std::task::spawn_blocking",
    yield_now: "async_std::task::yield_now",
    mutex: "async_std::sync::Mutex",
    channel: "async_channel",
    condition: Some(("async_std::sync::Condvar", ".wait(guard).await")),
    barrier: Some("async_std::sync::Barrier"),
};

const SMOL: RuntimeApi = RuntimeApi {
    sleep: Some("smol::Timer::after"),
    fs: Some("smol::fs"),
    net: Some("smol::net"),
    lookup_host: Some("smol::net::resolve"),
    command: Some("smol::process::Command"),
    offload: "smol::unblock",
    yield_now: "smol::future::yield_now",
    mutex: "async_lock::Mutex",
    channel: "async_channel",
    condition: None,
    barrier: Some("async_lock::Barrier"),
};

/// Tokio's API where a default is named, nothing where the runtime matters.
const UNKNOWN: RuntimeApi = RuntimeApi {
    sleep: None,
    fs: None,
    net: None,
    lookup_host: None,
    command: None,
    ..TOKIO
};

/// The async APIs of `runtime`.
pub(crate) fn api(runtime: Runtime) -> &'static RuntimeApi {
    match runtime {
        Runtime::Aio => &AIO,
        Runtime::Tokio => &TOKIO,
        Runtime::AsyncStd => &ASYNC_STD,
        Runtime::Smol => &SMOL,
        Runtime::Unknown => &UNKNOWN,
    }
}

/// Every runtime with an async file-system module.
pub(crate) fn fs_modules() -> impl Iterator<Item = &'static str> {
    [Runtime::Tokio, Runtime::AsyncStd, Runtime::Smol]
        .into_iter()
        .filter_map(|r| api(r).fs)
}

/// `std::fs` functions that have an async twin of the same name in each runtime's
/// file-system module.
pub(crate) const FS_TWINS: &[&str] = &[
    "read",
    "read_to_string",
    "write",
    "read_dir",
    "create_dir",
    "create_dir_all",
    "remove_file",
    "remove_dir",
    "remove_dir_all",
    "copy",
    "rename",
    "metadata",
    "symlink_metadata",
    "canonicalize",
    "hard_link",
    "read_link",
    "set_permissions",
];

/// The async twin of `reqwest::blocking::get`, whatever the runtime.
pub(crate) const ASYNC_HTTP_GET: &str = "reqwest::get";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unknown_runtime_names_tokio_only_where_a_default_is_sensible() {
        let unknown = api(Runtime::Unknown);
        let tokio = api(Runtime::Tokio);
        assert_eq!(
            (
                unknown.sleep,
                unknown.fs,
                unknown.net,
                unknown.lookup_host,
                unknown.command
            ),
            (None, None, None, None, None)
        );
        assert_eq!(unknown.offload, tokio.offload);
        assert_eq!(unknown.channel, tokio.channel);
        assert_eq!(
            fs_modules().collect::<Vec<_>>(),
            ["tokio::fs", "async_std::fs", "smol::fs"]
        );
    }
}
