//! Output formats. Each renders a finished [`Report`] (diagnostics already filtered,
//! levelled and sorted) to a writer; none knows about any rule, and none decides what is
//! reported or the exit code.

pub(crate) mod github;
pub(crate) mod human;
pub(crate) mod json;
pub(crate) mod sarif;

use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::Arc;

use crate::Diagnostic;
use crate::cli::args::MessageFormat;
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

/// Writes `report` in `format`; `color` only affects the human format.
pub(crate) fn write(
    format: MessageFormat,
    report: &Report,
    out: &mut dyn Write,
    color: bool,
) -> io::Result<()> {
    match format {
        MessageFormat::Human => human::write(report, out, color),
        MessageFormat::Json => json::write(report, out),
        MessageFormat::Sarif => sarif::write(report, out),
        MessageFormat::Github => github::write(report, out),
    }
}
