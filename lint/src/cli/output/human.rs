//! The human format: rustc-style source snippets rendered by codespan-reporting, then a
//! one-line summary. Also renders the `rendered` text of the JSON format.

use std::io::{self, Write};

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label as CsLabel, Severity};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, Config, termcolor::Buffer};

use super::report::{FileReport, Report};
use crate::source::floor_char_boundary;
use crate::{Diagnostic, Level};

/// Renders one diagnostic as rustc would print it (a blank line after it).
pub(crate) fn render(file: &FileReport, d: &Diagnostic, color: bool) -> String {
    let source: &str = &file.source;
    let range = |s: &crate::Span| {
        let start = floor_char_boundary(source, s.byte_start);
        start..floor_char_boundary(source, s.byte_end).max(start)
    };
    let mut labels =
        vec![CsLabel::primary((), range(&d.primary.span)).with_message(&d.primary.message)];
    labels.extend(
        d.secondary
            .iter()
            .map(|l| CsLabel::secondary((), range(&l.span)).with_message(&l.message)),
    );
    let mut notes: Vec<String> = d.notes.iter().map(|n| format!("note: {n}")).collect();
    notes.extend(d.help.iter().map(|h| format!("help: {h}")));
    let severity = match d.level {
        Level::Warn => Severity::Warning,
        Level::Deny => Severity::Error,
    };
    let diag = CsDiagnostic::new(severity)
        .with_message(&d.message)
        .with_code(format!("aio::{}", d.rule))
        .with_labels(labels)
        .with_notes(notes);
    let files = SimpleFile::new(file.display.as_str(), source);
    let config = Config::default();
    let mut buf = if color {
        Buffer::ansi()
    } else {
        Buffer::no_color()
    };
    // Rendering into memory fails only if a span lies outside the file, which the ranges
    // above rule out; fall back to a plain header rather than lose the finding.
    if term::emit_to_write_style(&mut buf, &config, &files, &diag).is_err() {
        return format!(
            "{}[aio::{}]: {}\n --> {}:{}:{}\n\n",
            d.level.as_rustc_str(),
            d.rule,
            d.message,
            file.display,
            d.primary.span.start.line,
            d.primary.span.start.column
        );
    }
    String::from_utf8_lossy(buf.as_slice()).into_owned()
}

/// `aio-lint: 3 warnings, 1 error in 2 files (10 files checked)`.
pub(crate) fn summary(report: &Report) -> String {
    let count = |level| {
        report
            .files
            .iter()
            .flat_map(|f| &f.diagnostics)
            .filter(|d| d.level == level)
            .count()
    };
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("1 {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    let (warnings, errors) = (count(Level::Warn), count(Level::Deny));
    let checked = plural(report.checked, "file");
    if warnings + errors == 0 {
        return format!("aio-lint: no findings ({checked} checked)");
    }
    let mut parts = Vec::new();
    if warnings > 0 {
        parts.push(plural(warnings, "warning"));
    }
    if errors > 0 {
        parts.push(plural(errors, "error"));
    }
    let files = report
        .files
        .iter()
        .filter(|f| !f.diagnostics.is_empty())
        .count();
    format!(
        "aio-lint: {} in {} ({checked} checked)",
        parts.join(", "),
        plural(files, "file")
    )
}

pub(crate) fn write(report: &Report, out: &mut dyn Write, color: bool) -> io::Result<()> {
    for file in &report.files {
        for d in &file.diagnostics {
            out.write_all(render(file, d, color).as_bytes())?;
        }
    }
    writeln!(out, "{}", summary(report))
}
