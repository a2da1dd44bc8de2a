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

mod allows;
mod analysis;
mod callgraph;
mod calls;
mod catalog;
mod edition2015;
mod engine;
pub mod fix;
mod flow;
mod macros;
mod options;
mod resolve;
pub(crate) mod rules;
mod source;
mod syntax;
mod types;
mod visit;

use std::path::Path;

pub use analysis::FileAnalysis;
pub use diagnostic::{
    Applicability, Diagnostic, Edit, ItemAllow, Label, Level, LineCol, RuleInfo, Span, Suggestion,
};
pub use options::{FileOptions, Runtime};

#[cfg(feature = "cli")]
pub mod cli;

/// Parses `source` (the text of the file at `path`) and runs every per-file rule.
///
/// Never panics. A syntax error, or pathological nesting, gives one `parse_error`
/// diagnostic (level warn) and no other finding. Byte offsets in the diagnostics are
/// into `source` as given (a leading BOM included); columns count characters.
pub fn analyze_file(path: &Path, source: &str, options: &FileOptions) -> FileAnalysis {
    analysis::analyze(path, source, options)
}

/// The workspace pass: builds the call graph from the facts of every analysed file and
/// adds the diagnostics that need it (calls from async context to workspace sync fns
/// that block, unawaited futures of workspace async fns). Call it once, after every
/// file of the workspace went through [`analyze_file`]. Paths in notes are shown relative
/// to the current folder when under it (see [`link_relative_to`]).
pub fn link(analyses: &mut [FileAnalysis]) {
    link_relative_to(analyses, &std::env::current_dir().unwrap_or_default());
}

/// [`link`], with the paths in notes shown relative to `base` (the workspace root, for the
/// command line) when under it, absolute otherwise.
pub fn link_relative_to(analyses: &mut [FileAnalysis], base: &Path) {
    let found = {
        let files: Vec<_> = analyses.iter().map(|a| (&*a.path, &a.facts)).collect();
        callgraph::link(&files, base)
    };
    for (file, d) in found {
        analyses[file].diagnostics.push(d);
    }
}

/// Every rule, `parse_error` and `unused_suppression` included, sorted by name.
pub fn rules() -> &'static [RuleInfo] {
    rules::infos()
}
