//! Output formats. Each renders a finished [`Report`] (diagnostics already filtered,
//! levelled and sorted) to a writer; none knows about any rule, and none decides what is
//! reported or the exit code.

pub(crate) mod github;
pub(crate) mod human;
pub(crate) mod json;
mod report;
pub(crate) mod sarif;

use std::io::{self, Write};

use crate::cli::args::MessageFormat;
pub(crate) use report::{FileReport, Report};

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
