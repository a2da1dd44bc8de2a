//! Free functions (and associated functions) that block the calling thread, by fully
//! resolved path: the rule that flags each, how its help names the fix, and the type of
//! what it returns (so the methods called on the result are known too). Blocking methods
//! of library types are in `methods.rs`; each runtime's replacement is in `runtimes.rs`.

use super::effect::{BLOCKING_FS, BLOCKING_NET, BLOCKING_SLEEP, Fix};
use super::ty::Ty;

/// One blocking function.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BlockingCall {
    /// The resolved path (`std::thread::sleep`).
    pub(crate) path: &'static str,
    /// The rule that flags it.
    pub(crate) rule: &'static str,
    /// How the help names the fix.
    pub(crate) fix: Fix,
    /// The type of the value returned (through `?`/`unwrap()`), if known.
    pub(crate) ret: Option<Ty>,
}

const fn call(path: &'static str, rule: &'static str, fix: Fix) -> BlockingCall {
    BlockingCall {
        path,
        rule,
        fix,
        ret: None,
    }
}

const fn fs(path: &'static str, name: &'static str) -> BlockingCall {
    call(path, BLOCKING_FS, Fix::FsFn(name))
}

const fn returning(c: BlockingCall, ty: Ty) -> BlockingCall {
    BlockingCall { ret: Some(ty), ..c }
}

/// Every blocking function the catalog knows by path.
pub(crate) const BLOCKING: &[BlockingCall] = &[
    call("std::thread::sleep", BLOCKING_SLEEP, Fix::Sleep),
    call("std::thread::sleep_ms", BLOCKING_SLEEP, Fix::Sleep),
    fs("std::fs::read", "read"),
    fs("std::fs::read_to_string", "read_to_string"),
    fs("std::fs::write", "write"),
    fs("std::fs::read_dir", "read_dir"),
    fs("std::fs::create_dir", "create_dir"),
    fs("std::fs::create_dir_all", "create_dir_all"),
    fs("std::fs::remove_file", "remove_file"),
    fs("std::fs::remove_dir", "remove_dir"),
    fs("std::fs::remove_dir_all", "remove_dir_all"),
    fs("std::fs::copy", "copy"),
    fs("std::fs::rename", "rename"),
    fs("std::fs::metadata", "metadata"),
    fs("std::fs::symlink_metadata", "symlink_metadata"),
    fs("std::fs::canonicalize", "canonicalize"),
    fs("std::fs::hard_link", "hard_link"),
    fs("std::fs::read_link", "read_link"),
    fs("std::fs::set_permissions", "set_permissions"),
    call("std::fs::exists", BLOCKING_FS, Fix::FsOther),
    returning(
        call("std::fs::File::open", BLOCKING_FS, Fix::FileOpen("open")),
        Ty::File,
    ),
    returning(
        call(
            "std::fs::File::create",
            BLOCKING_FS,
            Fix::FileOpen("create"),
        ),
        Ty::File,
    ),
    returning(
        call(
            "std::fs::File::create_new",
            BLOCKING_FS,
            Fix::FileOpen("create_new"),
        ),
        Ty::File,
    ),
    returning(
        call(
            "std::net::TcpStream::connect",
            BLOCKING_NET,
            Fix::TcpConnect,
        ),
        Ty::TcpStream,
    ),
    returning(
        call(
            "std::net::TcpStream::connect_timeout",
            BLOCKING_NET,
            Fix::TcpConnect,
        ),
        Ty::TcpStream,
    ),
    call(
        "std::net::ToSocketAddrs::to_socket_addrs",
        BLOCKING_NET,
        Fix::Dns,
    ),
    call("reqwest::blocking::get", BLOCKING_NET, Fix::ReqwestGet),
];
