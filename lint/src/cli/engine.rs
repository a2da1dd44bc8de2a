//! The seam between the command line and the rule engine: the one place that calls the
//! engine's API (`analyze_file`, `link`, `rules`), plus the rules the command line
//! itself reports (`parse_error` for unreadable files, `unused_suppression`).
//!
//! Nothing here reads files or renders output.

use std::path::{Path, PathBuf};

use crate::{Diagnostic, Level, LineCol, Span};

/// The async runtime a crate uses, read from its Cargo.toml.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) enum Runtime {
    /// aio.
    Aio,
    /// tokio.
    Tokio,
    /// async-std.
    AsyncStd,
    /// smol.
    Smol,
    /// None of the above found.
    #[default]
    Unknown,
}

/// Per-file inputs to the engine.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct FileOptions {
    pub(crate) runtime: Runtime,
    pub(crate) extra_blocking: Vec<String>,
    pub(crate) extra_offload: Vec<String>,
}

/// `#[aio::allow(rule)]` on an item.
#[derive(Clone, Debug)]
pub(crate) struct ItemAllow {
    pub(crate) rule: String,
    pub(crate) span: Span,
}

/// What the engine found in one file.
#[derive(Debug)]
pub(crate) struct FileAnalysis {
    #[allow(dead_code)]
    pub(crate) path: PathBuf,
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) item_allows: Vec<ItemAllow>,
}

/// Parses the file; a syntax error becomes one `parse_error` diagnostic.
pub(crate) fn analyze_file(path: &Path, source: &str, _options: &FileOptions) -> FileAnalysis {
    let mut diagnostics = Vec::new();
    if let Err(e) = syn::parse_file(source) {
        let start = e.span().start();
        let idx = crate::cli::source::LineIndex::new(source);
        let byte = byte_of(&idx, source, start.line, start.column);
        let span = idx.span(source, byte, byte);
        diagnostics.push(parse_error(span, format!("this file does not parse: {e}")));
    }
    proc_macro2::extra::invalidate_current_thread_spans();
    FileAnalysis {
        path: path.to_owned(),
        diagnostics,
        item_allows: Vec::new(),
    }
}

fn byte_of(idx: &crate::cli::source::LineIndex, source: &str, line: usize, col0: usize) -> usize {
    let text = idx.line_text(source, line.max(1));
    let line_start = text.as_ptr() as usize - source.as_ptr() as usize;
    line_start + text.char_indices().nth(col0).map_or(text.len(), |(b, _)| b)
}

/// The workspace pass.
pub(crate) fn link(_analyses: &mut [FileAnalysis]) {}

/// One rule's descriptor, as `rules`/`explain`, the configuration checker and SARIF see it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RuleDoc {
    pub(crate) name: &'static str,
    pub(crate) default_level: Level,
    pub(crate) summary: &'static str,
    pub(crate) docs: &'static str,
}

/// Name of the rule for files that cannot be read or parsed.
pub(crate) const PARSE_ERROR: &str = "parse_error";
/// Name of the rule for suppressions that suppress nothing.
pub(crate) const UNUSED_SUPPRESSION: &str = "unused_suppression";

const CLI_RULES: &[RuleDoc] = &[
    RuleDoc {
        name: PARSE_ERROR,
        default_level: Level::Warn,
        summary: "a file could not be read or parsed, so it was not linted",
        docs: "## What it does\n\nReports a file that could not be linted: it does not parse as Rust, it is \
               not valid UTF-8, or it could not be read (permission denied, deleted while the \
               linter ran, a symlink loop).\n\n## Why is this bad\n\nEvery other rule is blind in \
               that file: its pitfalls go unreported.\n\n## Example\n\n```rust\nasync fn f( {\n```\n\n\
               ## Use instead\n\nFix the syntax error or the file's permissions, or exclude the file \
               with `exclude = [\"path/glob\"]` in the configuration.\n",
    },
    RuleDoc {
        name: UNUSED_SUPPRESSION,
        default_level: Level::Warn,
        summary: "an aio-lint suppression that suppresses nothing, names an unknown rule, or is malformed",
        docs: "## What it does\n\nReports `// aio-lint: allow(rule)`, `// aio-lint: allow-file(rule)` and \
               `#[aio::allow(rule)]` suppressions that did not suppress any finding, that name a rule \
               which does not exist, or that cannot be read.\n\n## Why is this bad\n\nA stale \
               suppression hides the next real finding on that line; a misspelt one suppresses \
               nothing while looking as if it did.\n\n## Example\n\n```rust\nasync fn f() {\n    \
               // aio-lint: allow(blocking_sleep)\n    do_async_work().await;\n}\n```\n\n## Use \
               instead\n\nRemove the suppression, or fix the rule's name (`cargo aio-lint rules` lists \
               them).\n",
    },
];

/// Every rule: the engine's and the command line's, sorted by name.
pub(crate) fn catalogue() -> Vec<RuleDoc> {
    let mut all: Vec<RuleDoc> = CLI_RULES.to_vec();
    all.sort_by_key(|r| r.name);
    all.dedup_by_key(|r| r.name);
    all
}

/// A `parse_error` diagnostic.
pub(crate) fn parse_error(span: Span, message: String) -> Diagnostic {
    Diagnostic {
        rule: PARSE_ERROR,
        level: Level::Warn,
        message,
        primary: crate::Label {
            span,
            message: String::new(),
        },
        secondary: Vec::new(),
        notes: Vec::new(),
        help: None,
        suggestion: None,
    }
}

/// The span at the very start of a file.
pub(crate) fn start_of_file() -> Span {
    let at = LineCol { line: 1, column: 1 };
    Span {
        byte_start: 0,
        byte_end: 0,
        start: at,
        end: at,
    }
}
