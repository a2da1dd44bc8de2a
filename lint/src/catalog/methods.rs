//! Methods, by the type of their receiver ([`method`]): what each interesting method of a
//! known library type does and returns; the constructors that make those types; the
//! functions that pass their argument's type through (`Arc::new`); and the few methods
//! known by name alone, whatever the receiver ([`by_name`]).

use super::blocking::BLOCKING;
use super::effect::{BLOCKING_FS, BLOCKING_NET, BLOCKING_PROCESS, BLOCKING_WAIT, Effect, Fix};
use super::tasks::{BLOCK_ON_METHOD, OFFLOAD_METHODS};
use super::ty::Ty;

/// What calling method `name` on a value of type `ty` does, and what it returns.
pub(crate) fn method(ty: Ty, name: &str) -> Option<(Effect, Option<Ty>)> {
    use Effect::{Block, BlockOn, Future, None as Plain, Offload};
    const FS: &str = BLOCKING_FS;
    const NET: &str = BLOCKING_NET;
    const PROC: &str = BLOCKING_PROCESS;
    const WAIT: &str = BLOCKING_WAIT;
    let io_read_write = matches!(
        name,
        "read"
            | "read_to_end"
            | "read_to_string"
            | "read_exact"
            | "read_vectored"
            | "write"
            | "write_all"
            | "write_fmt"
            | "write_vectored"
            | "flush"
    );
    Some(match (ty, name) {
        (Ty::File, "try_clone") => (Plain, Some(Ty::File)),
        (Ty::File, "sync_all" | "sync_data" | "set_len" | "metadata" | "set_permissions") => {
            (Block(FS, Fix::FileIo), None)
        }
        (Ty::File, _) if io_read_write => (Block(FS, Fix::FileIo), None),
        (Ty::OpenOptions, "open") => (Block(FS, Fix::FileOpen("open")), Some(Ty::File)),
        (Ty::OpenOptions, _) => (Plain, Some(Ty::OpenOptions)),
        (Ty::TcpStream, "try_clone") => (Plain, Some(Ty::TcpStream)),
        (Ty::TcpStream, "peek") => (Block(NET, Fix::SocketIo), None),
        (Ty::TcpStream, _) if io_read_write => (Block(NET, Fix::SocketIo), None),
        (Ty::TcpListener, "accept" | "incoming") => (Block(NET, Fix::SocketIo), None),
        (Ty::UdpSocket, "recv" | "recv_from" | "send" | "send_to" | "peek" | "peek_from") => {
            (Block(NET, Fix::SocketIo), None)
        }
        (Ty::Command, "output" | "status") => (Block(PROC, Fix::ProcessRun), None),
        (Ty::Command, "spawn") => (Plain, Some(Ty::Child)),
        (
            Ty::Command,
            "arg" | "args" | "env" | "envs" | "env_remove" | "env_clear" | "current_dir" | "stdin"
            | "stdout" | "stderr" | "uid" | "gid" | "process_group" | "arg0",
        ) => (Plain, Some(Ty::Command)),
        (Ty::Child, "wait" | "wait_with_output") => (Block(PROC, Fix::ChildWait), None),
        (
            Ty::MpscReceiver | Ty::CrossbeamReceiver,
            "recv" | "recv_timeout" | "recv_deadline" | "iter",
        ) => (Block(WAIT, Fix::ChannelRecv), None),
        (Ty::JoinHandle, "join") => (Block(WAIT, Fix::ThreadJoin), None),
        (Ty::ThreadBuilder, "name" | "stack_size" | "no_hooks") => (Plain, Some(Ty::ThreadBuilder)),
        (Ty::ThreadBuilder, "spawn" | "spawn_scoped" | "spawn_unchecked") => {
            (Offload, Some(Ty::JoinHandle))
        }
        (Ty::ThreadScope, "spawn") => (Offload, Some(Ty::JoinHandle)),
        (
            Ty::Condvar,
            "wait" | "wait_while" | "wait_timeout" | "wait_timeout_ms" | "wait_timeout_while",
        ) => (Block(WAIT, Fix::Condvar), None),
        (Ty::Barrier, "wait") => (Block(WAIT, Fix::Barrier), None),
        (Ty::Stdin, "lock") => (Plain, Some(Ty::StdinLock)),
        (
            Ty::Stdin | Ty::StdinLock,
            "read_line" | "read_to_string" | "read_to_end" | "lines" | "read_exact",
        ) => (Block(WAIT, Fix::Stdin), None),
        (Ty::Stdout, "lock") => (Plain, Some(Ty::Stdout)),
        (Ty::Stdout, "write_all" | "write" | "flush" | "write_fmt" | "write_vectored") => {
            (Block(WAIT, Fix::Stdout), None)
        }
        (Ty::ReqwestClientBuilder, "build") => (Plain, Some(Ty::ReqwestClient)),
        (Ty::ReqwestClientBuilder, _) => (Plain, Some(Ty::ReqwestClientBuilder)),
        (Ty::ReqwestClient, "get" | "post" | "put" | "patch" | "delete" | "head" | "request") => {
            (Plain, Some(Ty::ReqwestRequest))
        }
        (Ty::ReqwestClient, "execute") => (Block(NET, Fix::Http), None),
        (Ty::ReqwestRequest, "send") => (Block(NET, Fix::Http), None),
        (Ty::ReqwestRequest, _) => (Plain, Some(Ty::ReqwestRequest)),
        (Ty::UreqAgent, "get" | "post" | "put" | "patch" | "delete" | "head" | "request") => {
            (Plain, Some(Ty::UreqRequest))
        }
        (
            Ty::UreqRequest,
            "call" | "send" | "send_string" | "send_json" | "send_form" | "send_bytes"
            | "send_empty",
        ) => (Block(NET, Fix::Http), None),
        (Ty::UreqRequest, _) => (Plain, Some(Ty::UreqRequest)),
        (Ty::AttoSession, "get" | "post" | "put" | "patch" | "delete" | "head") => {
            (Plain, Some(Ty::AttoRequest))
        }
        (Ty::AttoRequest, "send") => (Block(NET, Fix::Http), None),
        (Ty::AttoRequest, _) => (Plain, Some(Ty::AttoRequest)),
        (
            Ty::TokioSender | Ty::AsyncChannelSender,
            "send" | "reserve" | "send_timeout" | "closed",
        ) => (Future, None),
        (Ty::TokioReceiver | Ty::AsyncChannelReceiver, "recv") => (Future, None),
        (Ty::AioQueue, "put" | "get" | "join") => (Future, None),
        (Ty::Runtime | Ty::Handle, "block_on") => (BlockOn, None),
        (Ty::Runtime | Ty::Handle, "spawn_blocking") => (Offload, None),
        (Ty::RuntimeBuilder, "build") => (Plain, Some(Ty::Runtime)),
        (Ty::RuntimeBuilder, _) => (Plain, Some(Ty::RuntimeBuilder)),
        (Ty::ParIter, _) => (Offload, Some(Ty::ParIter)),
        _ => return None,
    })
}

/// A std function that blocks depending on the reader it is given:
/// `std::io::read_to_string(std::io::stdin())` waits for input.
pub(crate) fn reads_argument(path: &str) -> bool {
    path == "std::io::read_to_string"
}

/// What [`reads_argument`] does with an argument of type `arg`.
pub(crate) fn read_of(arg: Ty) -> Option<Effect> {
    matches!(arg, Ty::Stdin | Ty::StdinLock).then_some(Effect::Block(BLOCKING_WAIT, Fix::Stdin))
}

/// Methods that start a rayon parallel iterator.
pub(crate) fn starts_par_iter(name: &str) -> bool {
    matches!(
        name,
        "par_iter"
            | "into_par_iter"
            | "par_iter_mut"
            | "par_bridge"
            | "par_chunks"
            | "par_chunks_mut"
            | "par_lines"
            | "par_split"
            | "par_windows"
            | "par_sort_by"
            | "par_sort_by_key"
            | "par_drain"
    )
}

/// Functions that return a value of a known type (through `?`/`unwrap()`).
pub(super) const CONSTRUCTORS: &[(&str, Ty)] = &[
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
    ("std::io::stdout", Ty::Stdout),
    ("std::io::stderr", Ty::Stdout),
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

/// Functions that return their first argument's type (`Arc::new(x)`).
pub(super) const PASSTHROUGH: &[&str] = &[
    "std::sync::Arc::new",
    "std::rc::Rc::new",
    "Box::new",
    "std::boxed::Box::new",
    "std::io::BufReader::new",
];

/// Trait methods whose effect is their blocking entry (at `trait::method`), when the trait
/// is in scope (by name or `as _`) and the receiver's type is unknown.
const TRAIT_METHODS: &[(&str, &str)] = &[("std::net::ToSocketAddrs", "to_socket_addrs")];

/// What a method of an unknown receiver does by its name alone: `block_on` runs a future
/// to completion, `spawn_blocking`/`block_in_place` run their closure elsewhere, and a trait
/// method listed in [`TRAIT_METHODS`] does what its trait's entry says, when
/// `trait_in_scope` says the trait is imported.
pub(crate) fn by_name(name: &str, trait_in_scope: impl Fn(&str) -> bool) -> Option<Effect> {
    if name == BLOCK_ON_METHOD {
        return Some(Effect::BlockOn);
    }
    if OFFLOAD_METHODS.contains(&name) {
        return Some(Effect::Offload);
    }
    let &(tr, m) = TRAIT_METHODS.iter().find(|(_, m)| *m == name)?;
    if !trait_in_scope(tr) {
        return None;
    }
    let at = |path: &str| path.strip_prefix(tr).and_then(|r| r.strip_prefix("::")) == Some(m);
    let call = BLOCKING.iter().find(|b| at(b.path))?;
    Some(Effect::Block(call.rule, call.fix))
}

/// The type of the first parameter of a closure passed to the function at `path`
/// (`std::thread::scope(|s| ..)` hands the closure a `Scope`, whose `spawn` offloads).
pub(crate) fn closure_param(path: &str) -> Option<Ty> {
    (path == THREAD_SCOPE).then_some(Ty::ThreadScope)
}

/// `std::thread::scope`.
pub(crate) const THREAD_SCOPE: &str = "std::thread::scope";
