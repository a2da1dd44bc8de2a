//! The runtime APIs the fixes (`crate::fix`) write, beside the ones help texts name
//! (`runtimes.rs`): how each runtime awaits several futures together, what a spawned
//! task's handle gives when awaited, and the gather of an iterator of futures.

use crate::options::Runtime;

/// How the fixes write runtime code.
#[derive(Debug)]
pub(crate) struct FixApi {
    /// Awaits a fixed list of futures together, as `{}` filled with the list:
    /// `tokio::join!({})`. `None`: no such form the fixes write.
    pub(crate) join: Option<&'static str>,
    /// Whether `join` takes exactly two futures (`smol::future::zip`).
    pub(crate) join_pair_only: bool,
    /// The error type of an awaited task handle (`tokio::task::JoinError`); `None` when
    /// awaiting the handle gives the task's value itself.
    pub(crate) task_error: Option<&'static str>,
    /// Awaits an iterator of futures, giving a `Vec`: `aio::gather`. `None`: only
    /// `futures::future::join_all` ([`JOIN_ALL`]), when the crate depends on futures.
    pub(crate) gather: Option<&'static str>,
}

/// `futures::future::join_all`.
pub(crate) const JOIN_ALL: &str = "futures::future::join_all";

/// The fix APIs of `runtime`; `None` for an unknown runtime.
pub(crate) fn fix_api(runtime: Runtime) -> Option<&'static FixApi> {
    match runtime {
        Runtime::Aio => Some(&FixApi {
            join: Some("aio::gather!({}).await"),
            join_pair_only: false,
            task_error: Some("aio::TaskError"),
            gather: Some("aio::gather"),
        }),
        Runtime::Tokio => Some(&FixApi {
            join: Some("tokio::join!({})"),
            join_pair_only: false,
            task_error: Some("tokio::task::JoinError"),
            gather: None,
        }),
        Runtime::AsyncStd => Some(&FixApi {
            join: None,
            join_pair_only: false,
            task_error: None,
            gather: None,
        }),
        Runtime::Smol => Some(&FixApi {
            join: Some("smol::future::zip({}).await"),
            join_pair_only: true,
            task_error: None,
            gather: None,
        }),
        Runtime::Unknown => None,
    }
}
