//! The rules: one file each, and the one registry of them ([`REGISTRY`]).
//!
//! A rule file holds everything about its rule: the descriptor with its docs (What it does
//! / Why is this bad / Example / Use instead), its shape (see [`Shape`]), its check, and
//! the text of what it says (message, labels, notes, help). What a rule needs to know
//! about library APIs is in `crate::catalog`; name resolution, async context and the call
//! graph are the engine's (`crate::engine`, `crate::resolve`, `crate::callgraph`);
//! data-flow helpers are in `crate::flow`.
//!
//! To add a rule: create `rules/<name>.rs` with `pub(crate) const RULE: Rule` and add one
//! `pub(crate) mod <name>;` and a line `<name>,` in the `registry!` below (which lists
//! its rule in [`REGISTRY`]); a blocking-call rule's calls go in the catalog under its name.
//! ARCHITECTURE.md has the details; the tests then ask for a fixture
//! `tests/fixtures/<name>.rs`, a snapshot of its texts, an Example that fires and a Use
//! instead that is clean, and a row in the README's rule table.

use std::sync::OnceLock;

use crate::catalog::Fix;
use crate::diagnostic::RuleInfo;
use crate::options::Runtime;

pub(crate) mod blocking;
mod shape;

pub(crate) use blocking::Help;
pub(crate) use shape::{BodyCheck, FileCheck, Rule, Shape};

// One module per rule. They are declared here rather than by `registry!` so that tools
// reading the module tree without expanding macros (cargo-mutants) see the rule files.
pub(crate) mod blocking_fs;
pub(crate) mod blocking_net;
pub(crate) mod blocking_process;
pub(crate) mod blocking_sleep;
pub(crate) mod blocking_wait;
pub(crate) mod borrow_across_await;
pub(crate) mod busy_wait;
pub(crate) mod cancel_unsafe_select;
pub(crate) mod dropped_task;
pub(crate) mod immediately_awaited_task;
pub(crate) mod lock_across_await;
pub(crate) mod nested_block_on;
pub(crate) mod parse_error;
pub(crate) mod select_timeout_reset;
pub(crate) mod sequential_await_in_loop;
pub(crate) mod sequential_awaits;
pub(crate) mod unawaited_future;
pub(crate) mod unused_suppression;

/// Lists each rule's `RULE` in [`REGISTRY`]. A module declared above but missing here
/// leaves its `RULE` unused, which the build rejects (`-D warnings`).
macro_rules! registry {
    ($($rule:ident),* $(,)?) => {
        /// Every rule, in any order.
        pub(crate) const REGISTRY: &[Rule] = &[$($rule::RULE),*];
    };
}

// The one registry: one line per rule.
registry! {
    borrow_across_await,
    blocking_fs,
    blocking_net,
    blocking_process,
    blocking_sleep,
    blocking_wait,
    busy_wait,
    cancel_unsafe_select,
    dropped_task,
    immediately_awaited_task,
    lock_across_await,
    nested_block_on,
    parse_error,
    select_timeout_reset,
    sequential_await_in_loop,
    sequential_awaits,
    unawaited_future,
    unused_suppression,
}

/// Every rule's descriptor, sorted by name.
pub(crate) fn infos() -> &'static [RuleInfo] {
    static SORTED: OnceLock<Vec<RuleInfo>> = OnceLock::new();
    SORTED.get_or_init(|| {
        let mut v: Vec<RuleInfo> = REGISTRY.iter().map(|r| r.info).collect();
        v.sort_by_key(|r| r.name);
        v
    })
}

/// The descriptor of the rule named `name`.
pub(crate) fn info(name: &str) -> Option<&'static RuleInfo> {
    REGISTRY.iter().map(|r| &r.info).find(|r| r.name == name)
}

/// Every per-body check.
pub(crate) fn body_checks() -> impl Iterator<Item = BodyCheck> {
    REGISTRY.iter().filter_map(|r| match r.shape {
        Shape::Body(check) => Some(check),
        _ => None,
    })
}

/// Every per-file check.
pub(crate) fn file_checks() -> impl Iterator<Item = FileCheck> {
    REGISTRY.iter().filter_map(|r| match r.shape {
        Shape::File(check) => Some(check),
        _ => None,
    })
}

/// The rules `allow_blocking` of `#[aio::coroutine]`, `#[aio::main]` and `#[aio::test]`
/// silences in the linter: those of the macros' compile-time check (the blocking-call
/// rules and `nested_block_on`), and no other.
pub(crate) fn silenced_by_allow_blocking() -> impl Iterator<Item = &'static str> {
    REGISTRY
        .iter()
        .filter(|r| {
            matches!(r.shape, Shape::BlockingCall(_))
                || r.info.name == nested_block_on::RULE.info.name
        })
        .map(|r| r.info.name)
}

/// The help of a call of blocking rule `rule` with `fix`, for the crate's runtime. `args`
/// is the source text of the call's arguments, when known.
pub(crate) fn blocking_help(rule: &str, fix: Fix, runtime: Runtime, args: Option<&str>) -> Help {
    let help = REGISTRY.iter().find_map(|r| match r.shape {
        Shape::BlockingCall(help) if r.info.name == rule => Some(help),
        _ => None,
    });
    match help {
        Some(help) if fix != Fix::Configured => help(fix, runtime, args),
        _ => blocking::configured_help(runtime),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_infos_sorted() {
        let names: Vec<_> = infos().iter().map(|r| r.name).collect();
        assert_eq!(names.len(), REGISTRY.len());
        assert!(names.windows(2).all(|w| w[0] < w[1]), "{names:?}");
        assert_eq!(info("busy_wait").map(|r| r.name), Some("busy_wait"));
        assert!(info("no_such_rule").is_none());
    }

    #[test]
    fn every_blocking_rule_of_the_catalog_is_a_registered_blocking_call_rule() {
        let is_blocking = |name: &str| {
            REGISTRY
                .iter()
                .any(|r| r.info.name == name && matches!(r.shape, Shape::BlockingCall(_)))
        };
        for b in crate::catalog::BLOCKING {
            assert!(is_blocking(b.rule), "{}: {}", b.path, b.rule);
        }
        for entry in ["my::sleep", "fs::x", "net::x", "process::x", "other::x"] {
            assert!(is_blocking(blocking::configured_rule(entry)), "{entry}");
        }
    }

    #[test]
    fn an_unknown_runtime_gets_generic_help_naming_no_replacement() {
        // Runtime::Unknown names tokio only as an example, never as the replacement.
        for (rule, fix) in [
            ("blocking_fs", Fix::FsFn("read")),
            ("blocking_fs", Fix::FileOpen("open")),
            ("blocking_fs", Fix::FileIo),
            ("blocking_net", Fix::TcpConnect),
            ("blocking_net", Fix::SocketIo),
            ("blocking_net", Fix::Dns),
            ("blocking_process", Fix::ProcessRun),
        ] {
            let help = blocking_help(rule, fix, Runtime::Unknown, Some("p"));
            assert_eq!(help.replacement, None, "{rule} {fix:?}");
            assert!(
                !help.text.contains("tokio::fs::")
                    && !help.text.contains("tokio::net::")
                    && !help.text.contains("tokio::process::"),
                "{rule} {fix:?}: {}",
                help.text
            );
            // Nor a module it does not have, as an empty name.
            assert!(!help.text.contains("``"), "{rule} {fix:?}: {}", help.text);
        }
        let tokio = blocking_help("blocking_net", Fix::Dns, Runtime::Tokio, Some("a"));
        assert!(
            tokio.text.contains("tokio::net::lookup_host"),
            "{}",
            tokio.text
        );
        let smol = blocking_help("blocking_net", Fix::Dns, Runtime::Smol, Some("a"));
        assert_eq!(smol.text, "use `smol::net::resolve(addr).await`");
        // A runtime without an async lookup is told to offload it, with its own offloader.
        let aio = blocking_help("blocking_net", Fix::Dns, Runtime::Aio, Some("a"));
        assert_eq!(
            aio.text,
            "do the lookup off the event loop with `aio::to_thread(move || addr.to_socket_addrs()).await`"
        );
    }

    #[test]
    fn shapes_are_dispatched() {
        // Counted against the registry's shapes (not fixed numbers), so adding a rule of
        // either shape takes no edit here.
        let named = |pick: fn(&Shape) -> bool| -> Vec<&str> {
            REGISTRY
                .iter()
                .filter(|r| pick(&r.shape))
                .map(|r| r.info.name)
                .collect()
        };
        let bodies = named(|s| matches!(s, Shape::Body(_)));
        let files = named(|s| matches!(s, Shape::File(_)));
        assert!(bodies.contains(&"busy_wait") && bodies.contains(&"lock_across_await"));
        assert!(files.contains(&"dropped_task") && files.contains(&"sequential_awaits"));
        assert_eq!(body_checks().count(), bodies.len());
        assert_eq!(file_checks().count(), files.len());
        let help = blocking_help("blocking_sleep", Fix::Sleep, Runtime::Tokio, Some("d"));
        assert_eq!(
            help.replacement.as_deref(),
            Some("tokio::time::sleep(d).await")
        );
        let configured = blocking_help("blocking_sleep", Fix::Configured, Runtime::Tokio, None);
        assert!(
            configured.text.contains("spawn_blocking"),
            "{}",
            configured.text
        );
    }
}
