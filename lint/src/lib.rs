//! aio-lint: the rule engine behind `cargo aio-lint`.
//!
//! The library takes source text and returns [`Diagnostic`]s; it never prints and
//! never touches the file system. Everything that walks folders, reads files, loads
//! configuration or renders output sits behind the default `cli` feature, which the
//! proc-macro crate turns off so that it pulls in only syn.
//!
//! The engine API is four functions:
//!
//! - [`analyze_file`] parses one file and runs every per-file rule over it in one pass
//!   (name resolution, async context, macro arguments and light type tracking happen in
//!   that same walk). It never panics: a syntax error, or input nested so deeply that a
//!   parser would exhaust the stack, becomes one `parse_error` diagnostic.
//! - [`link`] is the workspace pass: it joins the small per-file facts that
//!   `analyze_file` kept (never the syntax trees) into a call graph, and reports sync
//!   functions of the workspace that block when they are called from async context, and
//!   futures of the workspace's async fns that are dropped unawaited.
//! - [`rules`] lists every rule with its default level and docs.
//! - [`embed::blocking_calls`] runs the blocking-call detection over one function body,
//!   for `#[aio::coroutine]`.
//!
//! `analyze_file` is safe to call from any number of threads at once; each call cleans
//! up the thread's span table before returning, so memory stays flat in the number of
//! files.
#![warn(missing_docs)]

pub mod diagnostic;
pub mod embed;

mod callgraph;
mod catalog;
mod engine;
mod flow;
mod macros;
pub(crate) mod rules;
mod source;
mod types;

use std::path::{Path, PathBuf};

pub use diagnostic::{Applicability, Diagnostic, Label, Level, LineCol, Span, Suggestion};
pub use rules::RuleInfo;

#[cfg(feature = "cli")]
pub mod cli;

/// Which async runtime the linted crate uses; the help texts name its replacements.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Runtime {
    /// aio (this project's runtime).
    Aio,
    /// tokio.
    Tokio,
    /// async-std.
    AsyncStd,
    /// smol.
    Smol,
    /// None of the above found: help texts name tokio's API as an example.
    #[default]
    Unknown,
}

/// Per-file inputs to [`analyze_file`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct FileOptions {
    /// The runtime the file's crate depends on.
    pub runtime: Runtime,
    /// Extra blocking calls from the configuration. An entry with `::` (`my_crate::io::slow_read`,
    /// `Client::fetch_sync`) matches a call whose resolved path ends with it; an entry
    /// without `::` matches a free function or a method of that name. The rule is chosen
    /// from the path: `sleep` → `blocking_sleep`, `fs`/`file` → `blocking_fs`,
    /// `net`/`http`/`tcp`/`udp`/`socket` → `blocking_net`, `process`/`command` →
    /// `blocking_process`, anything else → `blocking_wait`.
    pub extra_blocking: Vec<String>,
    /// Extra functions whose closure arguments run elsewhere (off the event loop), matched
    /// like `extra_blocking`.
    pub extra_offload: Vec<String>,
    /// The cargo package the file belongs to (any stable id: the CLI passes cargo's package
    /// id). [`link`] resolves a call by name alone (a method, or a path that did not
    /// resolve) only to definitions of the same package; paths resolve across packages.
    /// Files that all leave this `None` count as one package.
    pub package: Option<String>,
}

/// `#[aio::allow(rule)]` on an item: the rule is suppressed inside the item's span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemAllow {
    /// The rule name as written (may be unknown: the CLI reports that).
    pub rule: String,
    /// The whole item, attributes included.
    pub span: Span,
}

/// What [`analyze_file`] found in one file, plus the small facts [`link`] needs.
#[derive(Debug)]
pub struct FileAnalysis {
    /// The path given to [`analyze_file`] (used in notes that point into this file).
    pub path: PathBuf,
    /// Findings, in no particular order (the CLI sorts).
    pub diagnostics: Vec<Diagnostic>,
    /// `#[aio::allow(...)]` attributes found on items.
    pub item_allows: Vec<ItemAllow>,
    pub(crate) facts: callgraph::FileFacts,
}

/// Parses `source` (the text of the file at `path`) and runs every per-file rule.
///
/// Never panics. A syntax error, or pathological nesting, gives one `parse_error`
/// diagnostic (level warn) and no other finding. Byte offsets in the diagnostics are
/// into `source` as given (a leading BOM included); columns count characters.
pub fn analyze_file(path: &Path, source: &str, options: &FileOptions) -> FileAnalysis {
    engine::analyze(path, source, options)
}

/// The workspace pass: builds the call graph from the facts of every analysed file and
/// adds the diagnostics that need it (calls from async context to workspace sync fns
/// that block, unawaited futures of workspace async fns). Call it once, after every
/// file of the workspace went through [`analyze_file`].
pub fn link(analyses: &mut [FileAnalysis]) {
    callgraph::link(analyses);
}

/// Every rule, `parse_error` and `unused_suppression` included, sorted by name.
pub fn rules() -> &'static [RuleInfo] {
    &rules::RULES
}
