//! What the blocking-call rules (`blocking_sleep`, `blocking_fs`, `blocking_net`,
//! `blocking_process`, `blocking_wait`) share: the finding's message and label, the message
//! of a call that reaches a blocking call through the call graph, the help type and its
//! common phrasings, and which rule a configured blocking call falls under.

use crate::catalog;
use crate::catalog::runtimes::api;
use crate::options::Runtime;

/// The help of a blocking finding, and the replacement of the whole call when it is
/// mechanical.
pub(crate) struct Help {
    pub(crate) text: String,
    pub(crate) replacement: Option<String>,
}

/// The message of a blocking call in async context.
pub(crate) fn message(call: &str) -> String {
    format!("`{call}` blocks the thread that runs the event loop")
}

/// The label of a blocking call in async context (direct, or through the call graph).
pub(crate) const LABEL: &str = "blocking call in async context";

/// The message of a call from async context to workspace fn `name`, which blocks in
/// `call` (directly or through other sync fns).
pub(crate) fn chain_message(name: &str, call: &str) -> String {
    format!("`{name}` blocks the event loop: it calls `{call}`")
}

/// The help of a configured blocking call: move it off the event loop.
pub(crate) fn configured_help(runtime: Runtime) -> Help {
    Help {
        text: offload_help(runtime),
        replacement: None,
    }
}

/// "move it off the event loop with `tokio::task::spawn_blocking(..)`", for the runtime.
pub(crate) fn offload_help(runtime: Runtime) -> String {
    format!(
        "move the blocking work off the event loop with `{}(move || ...).await`",
        api(runtime).offload
    )
}

/// `prefix(args).await` when the arguments are known, for a mechanical replacement.
pub(crate) fn call_await(path: &str, args: Option<&str>) -> Option<String> {
    args.map(|a| format!("{path}({a}).await"))
}

/// The blocking rule of a configured blocking call (`FileOptions::extra_blocking`), from
/// the words of its path: `sleep`, `fs`/`file`, `net`/`http`/`tcp`/`udp`/`socket`,
/// `process`/`command`, anything else waits.
pub(crate) fn configured_rule(entry: &str) -> &'static str {
    let e = entry.to_ascii_lowercase();
    if e.contains("sleep") {
        catalog::BLOCKING_SLEEP
    } else if e.contains("fs") || e.contains("file") {
        catalog::BLOCKING_FS
    } else if ["net", "http", "tcp", "udp", "socket"]
        .iter()
        .any(|k| e.contains(k))
    {
        catalog::BLOCKING_NET
    } else if e.contains("process") || e.contains("command") {
        catalog::BLOCKING_PROCESS
    } else {
        catalog::BLOCKING_WAIT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_configured_call_gets_its_rule_from_the_words_of_its_path() {
        for (entry, rule) in [
            ("my::nap_sleep", catalog::BLOCKING_SLEEP),
            ("store::fs::load", catalog::BLOCKING_FS),
            ("store::read_file", catalog::BLOCKING_FS),
            ("api::http_get", catalog::BLOCKING_NET),
            ("Raw::Socket::poll", catalog::BLOCKING_NET),
            ("jobs::process::run", catalog::BLOCKING_PROCESS),
            ("jobs::run_command", catalog::BLOCKING_PROCESS),
            ("query_sync", catalog::BLOCKING_WAIT),
        ] {
            assert_eq!(configured_rule(entry), rule, "{entry}");
        }
    }
}
