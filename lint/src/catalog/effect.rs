//! What a call does, as far as the rules care ([`Effect`]), and how the help of a blocking
//! call names its fix ([`Fix`]). Plain data, used by every table of the catalog and by the
//! engine; it depends on nothing.

/// The blocking rules, by name: the catalog's blocking entries name one of these (the rule
/// registry has an entry of the blocking-call shape for each; a test checks it).
pub(crate) const BLOCKING_SLEEP: &str = "blocking_sleep";
/// See [`BLOCKING_SLEEP`].
pub(crate) const BLOCKING_FS: &str = "blocking_fs";
/// See [`BLOCKING_SLEEP`].
pub(crate) const BLOCKING_NET: &str = "blocking_net";
/// See [`BLOCKING_SLEEP`].
pub(crate) const BLOCKING_PROCESS: &str = "blocking_process";
/// See [`BLOCKING_SLEEP`].
pub(crate) const BLOCKING_WAIT: &str = "blocking_wait";

/// How the help text of a blocking finding names the fix (see each rule's `help`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fix {
    Sleep,
    /// A free function of `std::fs` with a same-named async twin in `tokio::fs`, etc.
    FsFn(&'static str),
    /// `std::fs` without an async twin of the same name.
    FsOther,
    /// `File::open`/`File::create`/`OpenOptions::open`.
    FileOpen(&'static str),
    /// Blocking `Read`/`Write` on a `std::fs::File`.
    FileIo,
    TcpConnect,
    SocketIo,
    Dns,
    /// `reqwest::blocking::get`: has the async `reqwest::get`.
    ReqwestGet,
    Http,
    ProcessRun,
    ChildWait,
    ChannelRecv,
    ThreadJoin,
    Condvar,
    Barrier,
    Stdin,
    /// A write or flush of stdout/stderr.
    Stdout,
    /// From the configuration's `blocking` list.
    Configured,
}

/// What a call does, as far as the rules care.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Effect {
    /// Nothing the rules care about (it may still construct a known type).
    None,
    /// Blocks the thread: the rule that flags it, and how to fix it.
    Block(&'static str, Fix),
    /// Runs a future to completion on this thread.
    BlockOn,
    /// Runs its closure arguments somewhere else.
    Offload,
    /// Returns a future that does nothing until awaited.
    Future,
    /// Spawns a task (already running: dropping the handle is not `unawaited_future`).
    Spawn,
}
