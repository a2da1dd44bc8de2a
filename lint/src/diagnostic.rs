//! The one data type every rule produces and every output format consumes, and the
//! descriptor of a rule ([`RuleInfo`]) that names and documents it.
//!
//! Rules build [`Diagnostic`]s from syn spans; output formats (`crate::cli::output`) render
//! them. Neither side knows about the other: no rule names a format, no format names a rule.

use std::fmt;

/// How serious a finding is, after configuration has been applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Reported; makes the run fail only with `--deny-warnings`.
    Warn,
    /// Reported and makes the run fail (exit code 1).
    Deny,
}

impl Level {
    /// The word rustc uses for this level (`"warning"` / `"error"`).
    pub fn as_rustc_str(self) -> &'static str {
        match self {
            Level::Warn => "warning",
            Level::Deny => "error",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Warn => "warn",
            Level::Deny => "deny",
        })
    }
}

/// A 1-based line and a 1-based column counted in characters (not bytes), as rustc's
/// JSON reports them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineCol {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// A region of one source file: byte offsets (into the file as read, BOM included) and
/// the matching line/column positions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// Byte offset of the first byte.
    pub byte_start: usize,
    /// Byte offset one past the last byte.
    pub byte_end: usize,
    /// Position of the first character.
    pub start: LineCol,
    /// Position one past the last character.
    pub end: LineCol,
}

/// A span with the text shown beside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What to say there (may be empty).
    pub message: String,
}

/// How safe it is to apply a [`Suggestion`] mechanically (rustc's vocabulary).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applicability {
    /// The replacement is exactly right.
    MachineApplicable,
    /// The replacement is probably right but should be checked.
    MaybeIncorrect,
    /// The replacement contains placeholders the user must fill in.
    HasPlaceholders,
}

impl Applicability {
    /// The name rustc's JSON uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::MachineApplicable => "MachineApplicable",
            Applicability::MaybeIncorrect => "MaybeIncorrect",
            Applicability::HasPlaceholders => "HasPlaceholders",
        }
    }
}

/// A replacement for the text under `span`, plus any further edits that belong to the
/// same fix (an import added at the top of the file): rustc's multipart suggestion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    /// The text to replace.
    pub span: Span,
    /// What to put there.
    pub replacement: String,
    /// How sure we are.
    pub applicability: Applicability,
    /// Further edits applied together with the first (none overlap it or each other).
    pub more: Vec<Edit>,
}

/// One replacement of a [`Suggestion`]: an empty `span` inserts, an empty `replacement`
/// deletes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    /// The text to replace.
    pub span: Span,
    /// What to put there.
    pub replacement: String,
}

impl Suggestion {
    /// Every edit of the fix, the first one first.
    pub fn edits(&self) -> impl Iterator<Item = (Span, &str)> {
        std::iter::once((self.span, self.replacement.as_str()))
            .chain(self.more.iter().map(|e| (e.span, e.replacement.as_str())))
    }
}

/// One finding of one rule in one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule's stable name, e.g. `"blocking_sleep"` (rendered as `aio::blocking_sleep`).
    pub rule: &'static str,
    /// The level after configuration.
    pub level: Level,
    /// The headline, e.g. "`std::thread::sleep` blocks the event loop".
    pub message: String,
    /// The primary span and its label.
    pub primary: Label,
    /// Secondary spans (other awaits of a run, the guard of a lock, ...).
    pub secondary: Vec<Label>,
    /// `note:` lines (e.g. the call chain that reaches a blocking call).
    pub notes: Vec<String>,
    /// The `help:` line naming the fix.
    pub help: Option<String>,
    /// A mechanical replacement, carried into JSON as `suggested_replacement`.
    pub suggestion: Option<Suggestion>,
}

/// `#[aio::allow(rule)]` on an item, or the `allow_blocking` option of
/// `#[aio::coroutine]`, `#[aio::main]` or `#[aio::test]` (one per blocking rule): the rule
/// is suppressed inside the item's span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemAllow {
    /// The rule name as written (may be unknown: the CLI reports that).
    pub rule: String,
    /// The whole item, attributes included.
    pub span: Span,
    /// Where the suppression is written (the rule's name in the attribute, or the
    /// `allow_blocking` option): where an unused or unknown one is reported.
    pub at: Span,
    /// False for `allow_blocking`: a compile-time option first, it is not reported when
    /// the linter finds nothing for it to silence.
    pub report_unused: bool,
}

/// One rule's descriptor, as `rules`/`explain`, the configuration checker and SARIF see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleInfo {
    /// The stable name (`blocking_sleep`), rendered as `aio::blocking_sleep`.
    pub name: &'static str,
    /// The level when the configuration says nothing.
    pub default_level: Level,
    /// One line: what it flags.
    pub summary: &'static str,
    /// Markdown with the sections "## What it does", "## Why is this bad", "## Example",
    /// "## Use instead", and for a rule with a fix (`crate::fix`), "## Fix safety".
    pub docs: &'static str,
}

impl RuleInfo {
    /// A finding of this rule at its default level: the message, and the primary span with
    /// its label; secondary labels, notes, help and suggestion are added by the caller.
    pub(crate) fn diagnostic(&self, message: String, primary: Span, label: &str) -> Diagnostic {
        Diagnostic {
            rule: self.name,
            level: self.default_level,
            message,
            primary: Label {
                span: primary,
                message: label.to_string(),
            },
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
            suggestion: None,
        }
    }
}
