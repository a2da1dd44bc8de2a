//! Light local type tracking: the handful of library types whose methods block (or
//! return futures), which constructors make them, and what each interesting method does.
//!
//! This is deliberately not type inference. A binding gets a [`Ty`] only when it is
//! initialised from a known constructor (`std::fs::File::open(p)?`, `Command::new("ls")`),
//! a builder chain of one (`OpenOptions::new().read(true)`), a destructured channel pair,
//! or a parameter/`let` annotated with a known type. Anything else is unknown, and an
//! unknown receiver never produces a finding.

use crate::catalog::{Effect, Fix};

/// A library type the engine knows methods of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ty {
    File,
    OpenOptions,
    TcpStream,
    TcpListener,
    UdpSocket,
    Command,
    Child,
    /// `(Sender, Receiver)` of `std::sync::mpsc`.
    MpscPair,
    MpscReceiver,
    JoinHandle,
    ThreadBuilder,
    /// The `s` of `std::thread::scope(|s| ...)`.
    ThreadScope,
    Condvar,
    Barrier,
    Stdin,
    StdinLock,
    ReqwestClient,
    ReqwestClientBuilder,
    ReqwestRequest,
    UreqAgent,
    UreqRequest,
    AttoSession,
    AttoRequest,
    /// `(Sender, Receiver)` of `crossbeam_channel`.
    CrossbeamPair,
    CrossbeamReceiver,
    /// `(Sender, Receiver)` of `tokio::sync::mpsc::channel`.
    TokioPair,
    /// `(UnboundedSender, UnboundedReceiver)` of tokio.
    TokioUnboundedPair,
    TokioSender,
    TokioReceiver,
    /// `(Sender, Receiver)` of `async_channel`.
    AsyncChannelPair,
    AsyncChannelSender,
    AsyncChannelReceiver,
    AioQueue,
    /// A runtime with a `block_on` method (aio, tokio).
    Runtime,
    RuntimeBuilder,
    /// `tokio::runtime::Handle`.
    Handle,
    /// A rayon parallel iterator: closures handed to its adapters run on the pool.
    ParIter,
}

/// The fully qualified name shown in messages.
pub(crate) fn display(ty: Ty) -> &'static str {
    match ty {
        Ty::File => "std::fs::File",
        Ty::OpenOptions => "std::fs::OpenOptions",
        Ty::TcpStream => "std::net::TcpStream",
        Ty::TcpListener => "std::net::TcpListener",
        Ty::UdpSocket => "std::net::UdpSocket",
        Ty::Command => "std::process::Command",
        Ty::Child => "std::process::Child",
        Ty::MpscPair | Ty::MpscReceiver => "std::sync::mpsc::Receiver",
        Ty::JoinHandle => "std::thread::JoinHandle",
        Ty::ThreadBuilder => "std::thread::Builder",
        Ty::ThreadScope => "std::thread::Scope",
        Ty::Condvar => "std::sync::Condvar",
        Ty::Barrier => "std::sync::Barrier",
        Ty::Stdin => "std::io::Stdin",
        Ty::StdinLock => "std::io::StdinLock",
        Ty::ReqwestClient => "reqwest::blocking::Client",
        Ty::ReqwestClientBuilder => "reqwest::blocking::ClientBuilder",
        Ty::ReqwestRequest => "reqwest::blocking::RequestBuilder",
        Ty::UreqAgent => "ureq::Agent",
        Ty::UreqRequest => "ureq::Request",
        Ty::AttoSession => "attohttpc::Session",
        Ty::AttoRequest => "attohttpc::RequestBuilder",
        Ty::CrossbeamPair | Ty::CrossbeamReceiver => "crossbeam_channel::Receiver",
        Ty::TokioPair | Ty::TokioSender => "tokio::sync::mpsc::Sender",
        Ty::TokioUnboundedPair | Ty::TokioReceiver => "tokio::sync::mpsc::Receiver",
        Ty::AsyncChannelPair | Ty::AsyncChannelSender => "async_channel::Sender",
        Ty::AsyncChannelReceiver => "async_channel::Receiver",
        Ty::AioQueue => "aio::Queue",
        Ty::Runtime => "Runtime",
        Ty::RuntimeBuilder => "runtime::Builder",
        Ty::Handle => "tokio::runtime::Handle",
        Ty::ParIter => "rayon::iter::ParallelIterator",
    }
}

/// The element types of a destructured pair (`let (tx, rx) = channel();`).
pub(crate) fn pair(ty: Ty) -> Option<(Option<Ty>, Option<Ty>)> {
    Some(match ty {
        Ty::MpscPair => (None, Some(Ty::MpscReceiver)),
        Ty::CrossbeamPair => (None, Some(Ty::CrossbeamReceiver)),
        Ty::TokioPair => (Some(Ty::TokioSender), Some(Ty::TokioReceiver)),
        Ty::TokioUnboundedPair => (None, Some(Ty::TokioReceiver)),
        Ty::AsyncChannelPair => (Some(Ty::AsyncChannelSender), Some(Ty::AsyncChannelReceiver)),
        _ => return None,
    })
}

/// A type named in a type position (parameter, `let x: T`), by resolved path.
pub(crate) fn from_type_path(path: &str) -> Option<Ty> {
    Some(match path {
        "std::fs::File" => Ty::File,
        "std::net::TcpStream" => Ty::TcpStream,
        "std::net::TcpListener" => Ty::TcpListener,
        "std::net::UdpSocket" => Ty::UdpSocket,
        "std::process::Command" => Ty::Command,
        "std::process::Child" => Ty::Child,
        "std::sync::mpsc::Receiver" => Ty::MpscReceiver,
        "std::thread::JoinHandle" => Ty::JoinHandle,
        "std::sync::Condvar" => Ty::Condvar,
        "std::sync::Barrier" => Ty::Barrier,
        "std::io::Stdin" => Ty::Stdin,
        "crossbeam_channel::Receiver" | "crossbeam::channel::Receiver" => Ty::CrossbeamReceiver,
        "reqwest::blocking::Client" => Ty::ReqwestClient,
        "tokio::sync::mpsc::Sender" => Ty::TokioSender,
        "tokio::sync::mpsc::Receiver" | "tokio::sync::mpsc::UnboundedReceiver" => Ty::TokioReceiver,
        "async_channel::Sender" => Ty::AsyncChannelSender,
        "async_channel::Receiver" => Ty::AsyncChannelReceiver,
        "aio::Queue" => Ty::AioQueue,
        "tokio::runtime::Runtime" | "aio::Runtime" => Ty::Runtime,
        "tokio::runtime::Handle" => Ty::Handle,
        _ => return None,
    })
}

/// What calling method `name` on a value of type `ty` does, and what it returns.
pub(crate) fn method(ty: Ty, name: &str) -> Option<(Effect, Option<Ty>)> {
    use Effect::{Block, BlockOn, Future, None as Plain, Offload};
    const FS: &str = "blocking_fs";
    const NET: &str = "blocking_net";
    const PROC: &str = "blocking_process";
    const WAIT: &str = "blocking_wait";
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
