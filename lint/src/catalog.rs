//! The table of known library functions, by fully resolved path: which block (and under
//! which rule), which call `block_on`, which run their closure arguments elsewhere
//! (offload), which return futures, which spawn tasks, and which construct a type whose
//! methods [`crate::types`] knows.
//!
//! The blocking lists live in the rule files (each rule owns what it flags); this module
//! merges them with the other facts into one hash map built once per process. It does
//! not resolve names: callers pass paths already resolved through the file's `use`s.

use std::sync::OnceLock;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::rules;
use crate::types::Ty;

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

/// One known function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Api {
    pub(crate) effect: Effect,
    /// The type of the value returned (through `?`/`unwrap()`), if known.
    pub(crate) ret: Option<Ty>,
    /// Returns its first argument's type (`Arc::new(x)`).
    pub(crate) passthrough: bool,
}

const FUTURES: &[&str] = &[
    "aio::sleep",
    "aio::yield_now",
    "aio::to_thread",
    "aio::wait_for",
    "aio::timeout_at",
    "aio::gather",
    "aio::gather_settled",
    "aio::shield",
    "aio::wait",
    "aio::net::TcpStream::connect",
    "aio::net::TcpListener::bind",
    "tokio::time::sleep",
    "tokio::time::sleep_until",
    "tokio::time::timeout",
    "tokio::time::timeout_at",
    "tokio::task::yield_now",
    "tokio::fs::File::open",
    "tokio::fs::File::create",
    "tokio::net::TcpStream::connect",
    "tokio::net::TcpListener::bind",
    "tokio::net::UdpSocket::bind",
    "tokio::net::lookup_host",
    "tokio::signal::ctrl_c",
    "async_std::task::sleep",
    "async_std::task::yield_now",
    "async_std::future::timeout",
    "async_std::fs::File::open",
    "async_std::fs::File::create",
    "async_std::net::TcpStream::connect",
    "async_std::net::TcpListener::bind",
    "smol::Timer::after",
    "smol::Timer::at",
    "smol::future::yield_now",
    "smol::fs::File::open",
    "smol::fs::File::create",
    "smol::net::TcpStream::connect",
    "smol::net::TcpListener::bind",
    "futures::future::join",
    "futures::future::join_all",
    "futures::future::try_join",
    "futures::future::try_join_all",
    "futures::future::select",
    "futures::future::select_all",
    "futures::future::try_select",
    "futures_lite::future::yield_now",
];

/// `std::fs` functions that have an async twin of the same name in tokio/async-std/smol.
pub(crate) const ASYNC_FS_FNS: &[&str] = &[
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

const SPAWNS: &[&str] = &[
    "aio::spawn",
    "tokio::spawn",
    "tokio::task::spawn",
    "tokio::task::spawn_local",
    "async_std::task::spawn",
    "async_std::task::spawn_local",
    "smol::spawn",
    "async_global_executor::spawn",
];

const OFFLOADS: &[&str] = &[
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

const BLOCK_ONS: &[&str] = &[
    "aio::run",
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

const CONSTRUCTORS: &[(&str, Ty)] = &[
    ("std::fs::File::options", Ty::OpenOptions),
    ("std::fs::OpenOptions::new", Ty::OpenOptions),
    ("std::net::TcpListener::bind", Ty::TcpListener),
    ("std::net::UdpSocket::bind", Ty::UdpSocket),
    ("std::process::Command::new", Ty::Command),
    ("std::sync::mpsc::channel", Ty::MpscPair),
    ("std::sync::mpsc::sync_channel", Ty::MpscPair),
    ("std::thread::Builder::new", Ty::ThreadBuilder),
    ("std::sync::Condvar::new", Ty::Condvar),
    ("std::sync::Barrier::new", Ty::Barrier),
    ("std::io::stdin", Ty::Stdin),
    ("reqwest::blocking::Client::new", Ty::ReqwestClient),
    (
        "reqwest::blocking::Client::builder",
        Ty::ReqwestClientBuilder,
    ),
    (
        "reqwest::blocking::ClientBuilder::new",
        Ty::ReqwestClientBuilder,
    ),
    ("ureq::get", Ty::UreqRequest),
    ("ureq::post", Ty::UreqRequest),
    ("ureq::put", Ty::UreqRequest),
    ("ureq::patch", Ty::UreqRequest),
    ("ureq::delete", Ty::UreqRequest),
    ("ureq::head", Ty::UreqRequest),
    ("ureq::request", Ty::UreqRequest),
    ("ureq::agent", Ty::UreqAgent),
    ("ureq::Agent::new", Ty::UreqAgent),
    ("attohttpc::get", Ty::AttoRequest),
    ("attohttpc::post", Ty::AttoRequest),
    ("attohttpc::put", Ty::AttoRequest),
    ("attohttpc::patch", Ty::AttoRequest),
    ("attohttpc::delete", Ty::AttoRequest),
    ("attohttpc::head", Ty::AttoRequest),
    ("attohttpc::Session::new", Ty::AttoSession),
    ("crossbeam_channel::unbounded", Ty::CrossbeamPair),
    ("crossbeam_channel::bounded", Ty::CrossbeamPair),
    ("crossbeam::channel::unbounded", Ty::CrossbeamPair),
    ("crossbeam::channel::bounded", Ty::CrossbeamPair),
    ("tokio::sync::mpsc::channel", Ty::TokioPair),
    (
        "tokio::sync::mpsc::unbounded_channel",
        Ty::TokioUnboundedPair,
    ),
    ("async_channel::bounded", Ty::AsyncChannelPair),
    ("async_channel::unbounded", Ty::AsyncChannelPair),
    ("aio::Queue::bounded", Ty::AioQueue),
    ("aio::Queue::unbounded", Ty::AioQueue),
    ("tokio::runtime::Runtime::new", Ty::Runtime),
    (
        "tokio::runtime::Builder::new_current_thread",
        Ty::RuntimeBuilder,
    ),
    (
        "tokio::runtime::Builder::new_multi_thread",
        Ty::RuntimeBuilder,
    ),
    ("tokio::runtime::Handle::current", Ty::Handle),
    ("aio::Runtime::new", Ty::Runtime),
    ("aio::Runtime::builder", Ty::RuntimeBuilder),
];

const PASSTHROUGH: &[&str] = &[
    "std::sync::Arc::new",
    "std::rc::Rc::new",
    "Box::new",
    "std::boxed::Box::new",
    "std::io::BufReader::new",
];

struct Catalog {
    apis: FxHashMap<&'static str, Api>,
    /// Every proper prefix of a key (`std`, `std::thread`): modules a glob import may name.
    modules: FxHashSet<&'static str>,
}

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let mut apis: FxHashMap<&'static str, Api> = FxHashMap::default();
        let plain = Api {
            effect: Effect::None,
            ret: None,
            passthrough: false,
        };
        for &(path, ty) in CONSTRUCTORS {
            apis.insert(
                path,
                Api {
                    ret: Some(ty),
                    ..plain
                },
            );
        }
        for &path in PASSTHROUGH {
            apis.insert(
                path,
                Api {
                    passthrough: true,
                    ..plain
                },
            );
        }
        for &path in FUTURES {
            apis.insert(
                path,
                Api {
                    effect: Effect::Future,
                    ..plain
                },
            );
        }
        for fs in ["tokio::fs", "async_std::fs", "smol::fs"] {
            for name in ASYNC_FS_FNS {
                let key: &'static str = Box::leak(format!("{fs}::{name}").into_boxed_str());
                apis.insert(
                    key,
                    Api {
                        effect: Effect::Future,
                        ..plain
                    },
                );
            }
        }
        for &path in SPAWNS {
            apis.insert(
                path,
                Api {
                    effect: Effect::Spawn,
                    ..plain
                },
            );
        }
        for &path in OFFLOADS {
            let ret = (path == "std::thread::spawn").then_some(Ty::JoinHandle);
            apis.insert(
                path,
                Api {
                    effect: Effect::Offload,
                    ret,
                    ..plain
                },
            );
        }
        for &path in BLOCK_ONS {
            apis.insert(
                path,
                Api {
                    effect: Effect::BlockOn,
                    ..plain
                },
            );
        }
        for &(rule, calls) in rules::BLOCKING_CALLS {
            for &(path, fix, ret) in calls {
                apis.insert(
                    path,
                    Api {
                        effect: Effect::Block(rule, fix),
                        ret,
                        passthrough: false,
                    },
                );
            }
        }
        let mut modules = FxHashSet::default();
        for key in apis.keys() {
            let mut end = 0;
            while let Some(i) = key[end..].find("::") {
                modules.insert(&key[..end + i]);
                end += i + 2;
            }
        }
        Catalog { apis, modules }
    })
}

/// The known function at a fully resolved path.
pub(crate) fn lookup(path: &str) -> Option<Api> {
    catalog().apis.get(path).copied()
}

/// Whether `path` is a module (or type) some known function lives in, so a glob import
/// of it (`use std::thread::*`) brings known names into scope.
pub(crate) fn is_known_module(path: &str) -> bool {
    catalog().modules.contains(path)
}

/// Crates whose paths are written without a `use` (`std::thread::sleep(d)`), so a
/// multi-segment path starting with them is taken as fully qualified.
pub(crate) fn is_known_crate(name: &str) -> bool {
    matches!(
        name,
        "std"
            | "core"
            | "alloc"
            | "aio"
            | "tokio"
            | "async_std"
            | "smol"
            | "futures"
            | "futures_lite"
            | "futures_executor"
            | "reqwest"
            | "ureq"
            | "attohttpc"
            | "pollster"
            | "rayon"
            | "blocking"
            | "crossbeam"
            | "crossbeam_channel"
            | "async_channel"
            | "async_io"
            | "async_global_executor"
            | "actix_web"
            | "tokio_test"
            | "extreme"
    )
}

/// Method names that are too common (std traits, std collections, the usual builder
/// vocabulary) for a by-name match against a workspace method to be trusted.
pub(crate) fn is_common_method(name: &str) -> bool {
    matches!(
        name,
        "new"
            | "default"
            | "clone"
            | "to_owned"
            | "to_string"
            | "into"
            | "from"
            | "try_into"
            | "try_from"
            | "as_ref"
            | "as_mut"
            | "borrow"
            | "borrow_mut"
            | "deref"
            | "deref_mut"
            | "drop"
            | "eq"
            | "ne"
            | "cmp"
            | "partial_cmp"
            | "hash"
            | "fmt"
            | "len"
            | "is_empty"
            | "get"
            | "get_mut"
            | "set"
            | "insert"
            | "remove"
            | "push"
            | "pop"
            | "clear"
            | "contains"
            | "iter"
            | "iter_mut"
            | "into_iter"
            | "next"
            | "map"
            | "filter"
            | "collect"
            | "unwrap"
            | "expect"
            | "ok"
            | "err"
            | "and_then"
            | "or_else"
            | "unwrap_or"
            | "unwrap_or_else"
            | "unwrap_or_default"
            | "read"
            | "write"
            | "flush"
            | "close"
            | "open"
            | "send"
            | "recv"
            | "try_recv"
            | "try_send"
            | "lock"
            | "try_lock"
            | "wait"
            | "notify"
            | "join"
            | "poll"
            | "poll_next"
            | "call"
            | "run"
            | "start"
            | "stop"
            | "build"
            | "finish"
            | "take"
            | "replace"
            | "update"
            | "load"
            | "store"
            | "swap"
            | "parse"
            | "extend"
            | "append"
            | "sort"
            | "first"
            | "last"
            | "find"
            | "split"
            | "trim"
            | "handle"
            | "process"
            | "execute"
            | "apply"
            | "with"
            | "add"
            | "sub"
            | "mul"
            | "div"
            | "neg"
            | "not"
            | "index"
            | "index_mut"
            | "spawn"
            | "detach"
            | "cancel"
            | "abort"
            | "shutdown"
            | "connect"
            | "accept"
            | "bind"
            | "listen"
            | "serialize"
            | "deserialize"
            | "as_str"
            | "as_slice"
            | "as_bytes"
            | "to_vec"
            | "copied"
            | "cloned"
            | "for_each"
            | "fold"
            | "count"
            | "sum"
            | "max"
            | "min"
            | "any"
            | "all"
            | "position"
            | "values"
            | "keys"
            | "entry"
            | "or_insert"
            | "or_insert_with"
            | "retain"
            | "drain"
            | "truncate"
            | "resize"
            | "reserve"
            | "capacity"
            | "with_capacity"
            | "is_some"
            | "is_none"
            | "is_ok"
            | "is_err"
            | "map_err"
            | "ok_or"
            | "ok_or_else"
            | "context"
            | "with_context"
            | "id"
            | "name"
            | "kind"
            | "value"
            | "key"
            | "size"
            | "reset"
            | "init"
            | "setup"
            | "tick"
            | "sleep"
            | "delay"
            | "timeout"
            | "elapsed"
            | "now"
            | "wake"
            | "wake_by_ref"
            | "register"
            | "block_on"
            | "spawn_blocking"
            | "await_result"
            | "result"
            | "output"
            | "status"
            | "encode"
            | "decode"
            | "lines"
            | "bytes"
            | "chars"
            | "step"
            | "advance"
            | "check"
            | "validate"
            | "visit"
            | "render"
            | "emit"
            | "log"
            | "send_to"
            | "recv_from"
            | "peek"
            | "sync"
            | "main"
            | "test"
    )
}
