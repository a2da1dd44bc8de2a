//! What [`crate::analyze_file`] returns for one file: findings, `#[aio::allow]`
//! attributes, and the small facts the workspace pass ([`crate::link`]) needs.

use std::path::PathBuf;

use crate::Diagnostic;
use crate::callgraph::FileFacts;
use crate::diagnostic::Span;

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
    pub(crate) facts: FileFacts,
}
