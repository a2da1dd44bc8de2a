//! The library types whose methods the catalog knows ([`Ty`]): how they are shown, how a
//! destructured pair splits, and which type paths name them. The methods themselves are in
//! `methods.rs`; a binding gets a `Ty` through `crate::types`.

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
    /// `std::io::Stdout`/`Stderr` and their locks.
    Stdout,
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
        Ty::Stdout => "std::io::Stdout",
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
        "std::io::Stdout" | "std::io::Stderr" | "std::io::StdoutLock" | "std::io::StderrLock" => {
            Ty::Stdout
        }
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
