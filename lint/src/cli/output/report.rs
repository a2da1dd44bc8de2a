//! What every format renders: the finished report of a run.

use std::path::PathBuf;
use std::sync::Arc;

use crate::Diagnostic;
use crate::cli::manifest::PackageInfo;
use crate::cli::seam::RuleInfo;

/// One linted file and what was found in it.
#[derive(Debug)]
pub(crate) struct FileReport {
    /// The path as shown (relative to the current folder when under it).
    pub(crate) display: String,
    /// The absolute path.
    pub(crate) abs: PathBuf,
    /// The text the spans refer to (empty if the file could not be read; lossily decoded
    /// if it was not UTF-8).
    pub(crate) source: Arc<str>,
    /// The cargo package around the file, if any.
    pub(crate) package: Option<Arc<PackageInfo>>,
    /// Findings, sorted by position.
    pub(crate) diagnostics: Vec<Diagnostic>,
}

/// Everything a format may show.
#[derive(Debug)]
pub(crate) struct Report {
    /// Files with at least one finding, sorted by path.
    pub(crate) files: Vec<FileReport>,
    /// How many files were linted.
    pub(crate) checked: usize,
    /// The rules (SARIF lists them).
    pub(crate) rules: &'static [RuleInfo],
}
