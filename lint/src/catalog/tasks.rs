//! Tasks and threads: the functions that spawn a task (and whether dropping the handle
//! cancels it), the executor types whose `spawn` method does the same, the functions that
//! run a closure somewhere else (offloaders), and the entry points that run a future to
//! completion on the calling thread (`block_on`). Also the last-segment names that mean
//! "starts a task" or "offloads" wherever they are defined (a crate's own `spawn_blocking`
//! wrapper, tokio's internal `asyncify`), for code that calls such a wrapper.

/// A function that spawns a task.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Spawner {
    /// The resolved path (`tokio::spawn`).
    pub(crate) path: &'static str,
    /// Dropping the returned handle cancels the task (smol, async-executor, async-task,
    /// async-global-executor); otherwise it detaches (tokio, async-std, aio, actix-rt).
    pub(crate) drop_cancels: bool,
}

const fn detaches(path: &'static str) -> Spawner {
    Spawner {
        path,
        drop_cancels: false,
    }
}

const fn cancels(path: &'static str) -> Spawner {
    Spawner {
        path,
        drop_cancels: true,
    }
}

/// Every spawn function. `async_task::spawn*` return a `(Runnable, Task)` pair.
pub(crate) const SPAWNERS: &[Spawner] = &[
    detaches("aio::spawn"),
    detaches("aio::spawn_local"),
    detaches("aio::spawn_named"),
    detaches("aio_runtime::spawn"),
    detaches("tokio::spawn"),
    detaches("tokio::task::spawn"),
    detaches("tokio::task::spawn_local"),
    detaches("async_std::task::spawn"),
    detaches("async_std::task::spawn_local"),
    detaches("actix_rt::spawn"),
    cancels("smol::spawn"),
    cancels("async_global_executor::spawn"),
    cancels("async_global_executor::spawn_local"),
    cancels("async_task::spawn"),
    cancels("async_task::spawn_local"),
    cancels("async_task::spawn_unchecked"),
];

/// The spawn function at a resolved path.
pub(crate) fn spawner(path: &str) -> Option<&'static Spawner> {
    SPAWNERS.iter().find(|s| s.path == path)
}

/// Executor types whose `spawn` method returns a task that is cancelled when dropped.
const CANCELLING_EXECUTORS: &[&str] = &[
    "async_executor::Executor",
    "async_executor::LocalExecutor",
    "smol::Executor",
    "smol::LocalExecutor",
    "async_executor::StaticExecutor",
    "async_executor::StaticLocalExecutor",
];

/// Every cancel-on-drop executor type's path.
#[cfg(test)]
pub(crate) fn executor_paths() -> impl Iterator<Item = &'static str> {
    CANCELLING_EXECUTORS.iter().copied()
}

/// Whether the type at `path` is an executor whose spawned tasks are cancelled on drop.
pub(crate) fn is_cancelling_executor(path: &str) -> bool {
    CANCELLING_EXECUTORS.contains(&path)
}

/// Functions that run their closure arguments on another thread or pool (`std::thread::spawn`
/// also returns a `JoinHandle`, which the index records).
pub(crate) const OFFLOADERS: &[&str] = &[
    "aio::to_thread",
    "aio::spawn_blocking",
    "tokio::task::spawn_blocking",
    "tokio::task::block_in_place",
    "async_std::task::spawn_blocking",
    "smol::unblock",
    "blocking::unblock",
    "std::thread::spawn",
    "rayon::spawn",
    "rayon::spawn_fifo",
    "rayon::join",
    "rayon::scope",
    "rayon::in_place_scope",
    "actix_web::web::block",
    "async_global_executor::spawn_blocking",
];

/// Last path segments that name an offload function wherever it is defined.
const OFFLOAD_NAMES: &[&str] = &[
    "spawn_blocking",
    "block_in_place",
    "unblock",
    "to_thread",
    "asyncify",
];

/// Whether a call whose path did not resolve to a known function offloads, by its last
/// segment (a crate's own `spawn_blocking` wrapper, tokio's internal `asyncify`).
pub(crate) fn is_offload_name(last: &str) -> bool {
    OFFLOAD_NAMES.contains(&last)
}

/// Methods that run their closure arguments elsewhere whatever the receiver
/// (`handle.spawn_blocking(..)`, `scope.block_in_place(..)`).
pub(crate) const OFFLOAD_METHODS: &[&str] = &["spawn_blocking", "block_in_place"];

/// `aio::run`, which panics when called inside a running event loop instead of blocking
/// it (as asyncio's `run` raises).
const AIO_RUN: &str = "aio::run";

/// Whether the block_on entry point at `path` panics inside a running event loop (it
/// starts a loop of its own) rather than blocking it.
pub(crate) fn panics_inside_a_loop(path: &str) -> bool {
    path == AIO_RUN
}

/// Functions that run a future to completion on the calling thread.
pub(crate) const BLOCK_ONS: &[&str] = &[
    AIO_RUN,
    "futures::executor::block_on",
    "futures_executor::block_on",
    "futures_lite::future::block_on",
    "smol::future::block_on",
    "smol::block_on",
    "async_std::task::block_on",
    "pollster::block_on",
    "async_io::block_on",
    "async_global_executor::block_on",
    "tokio_test::block_on",
    "extreme::run",
];

/// The method that runs a future to completion, whatever the receiver (`rt.block_on(f)`).
pub(crate) const BLOCK_ON_METHOD: &str = "block_on";

/// Last path segments that start a task or a thread wherever they are defined: awaiting
/// such a call awaits a task that is already running.
const TASK_START_NAMES: &[&str] = &[
    "spawn",
    "spawn_local",
    "spawn_blocking",
    "spawn_on",
    "spawn_local_on",
    "unblock",
    "to_thread",
];

/// Whether the call at `path` (resolved, or as written when it did not resolve) starts a
/// task: a known spawner or offloader, or a function whose last segment says so.
pub(crate) fn starts_task(path: &str) -> bool {
    let last = path.rsplit("::").next().unwrap_or(path);
    TASK_START_NAMES.contains(&last) || spawner(path).is_some() || OFFLOADERS.contains(&path)
}

/// Whether a method call starts a task by its name alone (`handle.spawn(f)`,
/// `set.spawn_local(f)`, `rt.spawn_blocking(f)`).
pub(crate) fn is_spawn_method(name: &str) -> bool {
    name.contains("spawn")
}
