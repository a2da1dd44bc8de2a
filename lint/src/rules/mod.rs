//! The one list of every rule ([`RULES`]), the descriptor type [`RuleInfo`], and the glue
//! that lets each rule file own what it flags: the blocking rules' call lists
//! ([`BLOCKING_CALLS`]) and their help texts ([`blocking_help`]).
//!
//! Shared analysis (name resolution, async context, the call graph) lives beside the rules
//! in `crate::engine` and `crate::callgraph`, not here. To add a rule: create
//! `rules/<name>.rs` with its `RULE` descriptor (docs with the four sections), add it to
//! [`RULES`], a fixture `tests/fixtures/<name>.rs` and a row in the README rule table.

use std::sync::OnceLock;

use crate::Runtime;
use crate::catalog::Fix;
use crate::catalog::runtimes::api as runtime_api;
pub(crate) use crate::diagnostic::RuleInfo;

pub(crate) mod blocking_fs;
pub(crate) mod blocking_net;
pub(crate) mod blocking_process;
pub(crate) mod blocking_sleep;
pub(crate) mod blocking_wait;
pub(crate) mod busy_wait;
pub(crate) mod dropped_task;
pub(crate) mod immediately_awaited_task;
pub(crate) mod lock_across_await;
pub(crate) mod nested_block_on;
pub(crate) mod parse_error;
pub(crate) mod sequential_await_in_loop;
pub(crate) mod sequential_awaits;
pub(crate) mod unawaited_future;
pub(crate) mod unused_suppression;

/// Every rule, in any order (`crate::rules()` sorts them by name).
const ALL: &[RuleInfo] = &[
    blocking_fs::RULE,
    blocking_net::RULE,
    blocking_process::RULE,
    blocking_sleep::RULE,
    blocking_wait::RULE,
    busy_wait::RULE,
    dropped_task::RULE,
    immediately_awaited_task::RULE,
    lock_across_await::RULE,
    nested_block_on::RULE,
    parse_error::RULE,
    sequential_await_in_loop::RULE,
    sequential_awaits::RULE,
    unawaited_future::RULE,
    unused_suppression::RULE,
];

/// A flow rule's check of one async body (an async fn's body, an async block, an async
/// closure's block body), called by the engine with the name resolution of that point.
pub(crate) type BodyCheck = fn(&crate::flow::FlowCx<'_>, &syn::Block, &mut Vec<crate::Diagnostic>);

/// A flow rule's check of a whole file, called once per file.
pub(crate) type FileCheck = fn(&crate::flow::FlowCx<'_>, &syn::File, &mut Vec<crate::Diagnostic>);

/// Every per-async-body check.
pub(crate) const BODY_CHECKS: &[BodyCheck] = &[busy_wait::check, lock_across_await::check];

/// Every per-file check.
pub(crate) const FILE_CHECKS: &[FileCheck] = &[
    dropped_task::check_file,
    // These three skip test code, which they find themselves (`flow::walk`).
    immediately_awaited_task::check_file,
    sequential_await_in_loop::check_file,
    sequential_awaits::check_file,
];

/// Every rule, sorted by name.
pub(crate) static RULES: SortedRules = SortedRules(OnceLock::new());

/// [`ALL`] sorted once by name.
pub(crate) struct SortedRules(OnceLock<Vec<RuleInfo>>);

impl std::ops::Deref for SortedRules {
    type Target = [RuleInfo];
    fn deref(&self) -> &[RuleInfo] {
        self.0.get_or_init(|| {
            let mut v = ALL.to_vec();
            v.sort_by_key(|r| r.name);
            v
        })
    }
}

/// The help of a blocking finding, and the replacement of the whole call when it is
/// mechanical.
pub(crate) struct Help {
    pub(crate) text: String,
    pub(crate) replacement: Option<String>,
}

/// The help for a blocking call under `fix`, for the crate's runtime. `args` is the
/// source text of the call's arguments, when known.
pub(crate) fn blocking_help(fix: Fix, runtime: Runtime, args: Option<&str>) -> Help {
    match fix {
        Fix::Sleep => blocking_sleep::help(runtime, args),
        Fix::FsFn(_) | Fix::FsOther | Fix::FileOpen(_) | Fix::FileIo => {
            blocking_fs::help(fix, runtime, args)
        }
        Fix::TcpConnect | Fix::SocketIo | Fix::Dns | Fix::ReqwestGet | Fix::Http => {
            blocking_net::help(fix, runtime, args)
        }
        Fix::ProcessRun | Fix::ChildWait => blocking_process::help(runtime),
        Fix::ChannelRecv | Fix::ThreadJoin | Fix::Condvar | Fix::Barrier | Fix::Stdin => {
            blocking_wait::help(fix, runtime)
        }
        Fix::Configured => Help {
            text: offload_help(runtime),
            replacement: None,
        },
    }
}

/// "move it off the event loop with `tokio::task::spawn_blocking(..)`", for the runtime.
pub(crate) fn offload_help(runtime: Runtime) -> String {
    format!(
        "move the blocking work off the event loop with `{}`",
        offload_fn(runtime)
    )
}

/// The runtime's way to run a blocking closure on a thread pool, as written in help.
pub(crate) fn offload_fn(runtime: Runtime) -> String {
    format!("{}(move || ...).await", runtime_api(runtime).offload)
}

/// `prefix(args).await` when the arguments are known, for a mechanical replacement.
pub(crate) fn call_await(path: &str, args: Option<&str>) -> Option<String> {
    args.map(|a| format!("{path}({a}).await"))
}
