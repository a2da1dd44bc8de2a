//! The JSON format: one cargo `compiler-message` object per line, its `message` in
//! rustc's diagnostic schema, as `cargo check --message-format json` prints them. This is
//! what rust-analyzer's `check.overrideCommand` reads.
//!
//! Files outside any cargo package get a stand-in package (see
//! `PackageInfo::standalone`): package id `path+file://<folder>#0.0.0`, manifest path
//! `<folder>/Cargo.toml`, one `bin` target named after the file.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::Value;

use super::human;
use super::report::{FileReport, Report};
use crate::cli::manifest::PackageInfo;
use crate::source::LineIndex;
use crate::{Diagnostic, Span};

#[derive(Serialize)]
struct CompilerMessage<'a> {
    reason: &'static str,
    package_id: &'a str,
    manifest_path: String,
    target: Value,
    message: RustcDiagnostic<'a>,
}

#[derive(Serialize)]
struct RustcDiagnostic<'a> {
    #[serde(rename = "$message_type", skip_serializing_if = "Option::is_none")]
    message_type: Option<&'static str>,
    message: &'a str,
    code: Option<Code<'a>>,
    level: &'static str,
    spans: Vec<RustcSpan<'a>>,
    children: Vec<RustcDiagnostic<'a>>,
    rendered: Option<String>,
}

#[derive(Serialize)]
struct Code<'a> {
    code: String,
    explanation: Option<&'a str>,
}

#[derive(Serialize)]
struct RustcSpan<'a> {
    file_name: &'a str,
    byte_start: usize,
    byte_end: usize,
    line_start: usize,
    line_end: usize,
    column_start: usize,
    column_end: usize,
    is_primary: bool,
    text: Vec<SpanLine<'a>>,
    label: Option<&'a str>,
    suggested_replacement: Option<&'a str>,
    suggestion_applicability: Option<&'static str>,
    expansion: Option<()>,
}

#[derive(Serialize)]
struct SpanLine<'a> {
    text: &'a str,
    highlight_start: usize,
    highlight_end: usize,
}

struct Ctx<'a> {
    file: &'a FileReport,
    idx: LineIndex,
}

impl<'a> Ctx<'a> {
    fn span(&self, s: &Span, is_primary: bool, label: &'a str) -> RustcSpan<'a> {
        let src: &'a str = &self.file.source;
        let text = (s.start.line..=s.end.line.max(s.start.line))
            .map(|line| {
                let t = self.idx.line_text(src, line);
                SpanLine {
                    text: t,
                    highlight_start: if line == s.start.line {
                        s.start.column
                    } else {
                        1
                    },
                    highlight_end: if line == s.end.line {
                        s.end.column
                    } else {
                        t.chars().count() + 1
                    },
                }
            })
            .collect();
        RustcSpan {
            file_name: &self.file.display,
            byte_start: s.byte_start,
            byte_end: s.byte_end,
            line_start: s.start.line,
            line_end: s.end.line,
            column_start: s.start.column,
            column_end: s.end.column,
            is_primary,
            text,
            label: (!label.is_empty()).then_some(label),
            suggested_replacement: None,
            suggestion_applicability: None,
            expansion: None,
        }
    }
}

fn child<'a>(
    level: &'static str,
    message: &'a str,
    spans: Vec<RustcSpan<'a>>,
) -> RustcDiagnostic<'a> {
    RustcDiagnostic {
        message_type: None,
        message,
        code: None,
        level,
        spans,
        children: Vec::new(),
        rendered: None,
    }
}

/// The `message` object for one diagnostic.
fn diagnostic<'a>(
    cx: &Ctx<'a>,
    d: &'a Diagnostic,
    explanation: Option<&'a str>,
) -> RustcDiagnostic<'a> {
    let mut spans = vec![cx.span(&d.primary.span, true, &d.primary.message)];
    spans.extend(
        d.secondary
            .iter()
            .map(|l| cx.span(&l.span, false, &l.message)),
    );
    let mut children: Vec<RustcDiagnostic<'a>> = d
        .notes
        .iter()
        .map(|n| child("note", n, Vec::new()))
        .collect();
    // A multipart suggestion is one help child with a span per edit, as rustc writes it
    // (rustfix applies them together).
    let suggestion: Vec<RustcSpan<'a>> = d
        .suggestion
        .iter()
        .flat_map(|s| {
            s.edits().map(move |(at, text)| {
                let mut span = cx.span(&at, true, "");
                span.suggested_replacement = Some(text);
                span.suggestion_applicability = Some(s.applicability.as_str());
                span
            })
        })
        .collect();
    match &d.help {
        Some(help) => children.push(child("help", help, suggestion)),
        None if !suggestion.is_empty() => {
            children.push(child("help", "apply this replacement", suggestion));
        }
        None => {}
    }
    RustcDiagnostic {
        message_type: Some("diagnostic"),
        message: &d.message,
        code: Some(Code {
            code: format!("aio::{}", d.rule),
            explanation,
        }),
        level: d.level.as_rustc_str(),
        spans,
        children,
        rendered: Some(human::render(cx.file, d, false)),
    }
}

pub(crate) fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for file in &report.files {
        let standalone;
        let package = match &file.package {
            Some(p) => &**p,
            None => {
                standalone = PackageInfo::standalone(&file.abs);
                &standalone
            }
        };
        let target = package.target_for(&file.abs);
        let cx = Ctx {
            file,
            idx: LineIndex::new(&file.source),
        };
        for d in &file.diagnostics {
            let explanation = report
                .rules
                .iter()
                .find(|r| r.name == d.rule)
                .map(|r| r.docs);
            let msg = CompilerMessage {
                reason: "compiler-message",
                package_id: &package.id,
                manifest_path: package.manifest_path.to_string_lossy().into_owned(),
                target: target.clone(),
                message: diagnostic(&cx, d, explanation),
            };
            serde_json::to_writer(&mut *out, &msg)?;
            out.write_all(b"\n")?;
        }
    }
    Ok(())
}
