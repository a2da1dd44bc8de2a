//! The linter's findings in the protocol's terms: diagnostics, the hover text of a rule,
//! and the "suppress on this line" code action.

use std::str::FromStr;

use lsp_types::{
    CodeAction, CodeActionKind, CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity,
    Location, NumberOrString, Position, Range, TextEdit, Uri, WorkspaceEdit,
};

use super::text::Lines;
use crate::cli::seam::{RuleInfo, UNUSED_SUPPRESSION};
use crate::{Diagnostic, Level};

/// Where the rules are documented: the README's rule table (the command line has no docs
/// address of its own; `cargo aio-lint explain` and hover give each rule's full docs).
pub(crate) const RULES_DOCS: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "#rules");

/// One finding as an LSP diagnostic of the document `uri` whose text is `text`.
pub(crate) fn diagnostic(
    d: &Diagnostic,
    uri: &Uri,
    text: &str,
    lines: &Lines,
) -> lsp_types::Diagnostic {
    let range = lines.range(text, d.primary.span.byte_start, d.primary.span.byte_end);
    let mut message = d.message.clone();
    if !d.primary.message.is_empty() {
        message.push_str(&format!("\n{}", d.primary.message));
    }
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    let at = |range: Range, message: String| DiagnosticRelatedInformation {
        location: Location::new(uri.clone(), range),
        message,
    };
    let mut related: Vec<DiagnosticRelatedInformation> = d
        .secondary
        .iter()
        .map(|l| {
            let r = lines.range(text, l.span.byte_start, l.span.byte_end);
            let m = if l.message.is_empty() {
                "related".to_owned()
            } else {
                l.message.clone()
            };
            at(r, m)
        })
        .collect();
    related.extend(d.notes.iter().map(|n| at(range, format!("note: {n}"))));
    lsp_types::Diagnostic {
        range,
        severity: Some(match d.level {
            Level::Warn => DiagnosticSeverity::WARNING,
            Level::Deny => DiagnosticSeverity::ERROR,
        }),
        code: Some(NumberOrString::String(format!("aio::{}", d.rule))),
        code_description: Uri::from_str(RULES_DOCS)
            .ok()
            .map(|href| CodeDescription { href }),
        source: Some("aio-lint".to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

/// The hover text of a rule: what `cargo aio-lint explain` prints.
pub(crate) fn rule_docs(rule: &RuleInfo) -> String {
    format!(
        "# aio::{}\n\n{}.\n\nDefault level: {}\n\n{}",
        rule.name, rule.summary, rule.default_level, rule.docs
    )
}

/// "Suppress aio::rule on this line": a comment line above the finding's first line, with
/// that line's indentation, which the command line's suppression scanner applies to the
/// next line of code. `None` for `unused_suppression` (remove the comment instead).
pub(crate) fn suppress_action(
    d: &Diagnostic,
    diagnostic: lsp_types::Diagnostic,
    uri: &Uri,
    text: &str,
    lines: &Lines,
) -> Option<CodeAction> {
    if d.rule == UNUSED_SUPPRESSION {
        return None;
    }
    let line = lines.position(text, d.primary.span.byte_start).line;
    let start = lines.offset(text, Position::new(line, 0));
    let indent: String = text[start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let at = Position::new(line, 0);
    let edit = TextEdit::new(
        Range::new(at, at),
        format!("{indent}// aio-lint: allow({})\n", d.rule),
    );
    Some(CodeAction {
        title: format!("Suppress aio::{} on this line", d.rule),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic]),
        edit: Some(WorkspaceEdit::new(
            [(uri.clone(), vec![edit])].into_iter().collect(),
        )),
        command: None,
        is_preferred: Some(false),
        disabled: None,
        data: None,
    })
}
