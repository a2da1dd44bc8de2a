//! The linter's findings in the protocol's terms: diagnostics, the hover text of a rule,
//! and the code actions: a finding's fix, "suppress on this line", and "fix all".

use std::str::FromStr;

use lsp_types::{
    CodeAction, CodeActionKind, CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity,
    DocumentChanges, Location, NumberOrString, OneOf, OptionalVersionedTextDocumentIdentifier,
    Position, Range, TextDocumentEdit, TextEdit, Uri, WorkspaceEdit,
};

use super::text::Lines;
use crate::cli::seam::{RuleInfo, UNUSED_SUPPRESSION};
use crate::{Applicability, Diagnostic, Level};

/// The kind of the action that applies a document's safe fixes.
pub(crate) const FIX_ALL: &str = "source.fixAll.aio-lint";

/// The document a code action edits: its URI, and its version when the client takes
/// versioned edits (`workspace.workspaceEdit.documentChanges`), so that an edit computed
/// for an older text is refused rather than applied in the wrong place.
pub(crate) struct Target<'a> {
    pub(crate) uri: &'a Uri,
    pub(crate) version: Option<i32>,
}

impl Target<'_> {
    fn edit(&self, edits: Vec<TextEdit>) -> WorkspaceEdit {
        match self.version {
            Some(version) => WorkspaceEdit {
                document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
                    text_document: OptionalVersionedTextDocumentIdentifier {
                        uri: self.uri.clone(),
                        version: Some(version),
                    },
                    edits: edits.into_iter().map(OneOf::Left).collect(),
                }])),
                ..WorkspaceEdit::default()
            },
            None => WorkspaceEdit::new([(self.uri.clone(), edits)].into_iter().collect()),
        }
    }
}

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
    target: &Target<'_>,
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
        edit: Some(target.edit(vec![edit])),
        command: None,
        is_preferred: Some(false),
        disabled: None,
        data: None,
    })
}

/// The fix `--fix` would apply to `d`, as a quick fix with every edit of its suggestion.
/// A safe fix (`MachineApplicable`) is the preferred action; an unsafe one
/// (`MaybeIncorrect`, applied by `--unsafe-fixes` only) is titled "(unsafe)" and one with
/// placeholders (never applied by `--fix`) "(has placeholders)": the user reads those
/// before taking them, so neither is ever preferred.
pub(crate) fn fix_action(
    d: &Diagnostic,
    diagnostic: lsp_types::Diagnostic,
    target: &Target<'_>,
    text: &str,
    lines: &Lines,
) -> Option<CodeAction> {
    let s = d.suggestion.as_ref()?;
    let edits = s
        .edits()
        .map(|(span, replacement)| {
            TextEdit::new(
                lines.range(text, span.byte_start, span.byte_end),
                replacement.to_owned(),
            )
        })
        .collect();
    let (tag, preferred) = match s.applicability {
        Applicability::MachineApplicable => ("", true),
        Applicability::MaybeIncorrect => (" (unsafe)", false),
        Applicability::HasPlaceholders => (" (has placeholders)", false),
    };
    let title = match &d.help {
        Some(help) => format!("Fix aio::{}: {help}{tag}", d.rule),
        None => format!("Fix aio::{}{tag}", d.rule),
    };
    Some(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic]),
        edit: Some(target.edit(edits)),
        command: None,
        is_preferred: Some(preferred),
        disabled: None,
        data: None,
    })
}

/// "Fix all": one edit turning `before` into `after` (the part between their common
/// prefix and suffix), or `None` when they are the same.
pub(crate) fn fix_all_action(target: &Target<'_>, before: &str, after: &str) -> Option<CodeAction> {
    if before == after {
        return None;
    }
    let prefix = before
        .char_indices()
        .zip(after.chars())
        .find(|((_, a), b)| a != b)
        .map_or(before.len().min(after.len()), |((i, _), _)| i);
    let suffix = before[prefix..]
        .chars()
        .rev()
        .zip(after[prefix..].chars().rev())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a.len_utf8())
        .sum::<usize>();
    let lines = Lines::new(before);
    let edit = TextEdit::new(
        lines.range(before, prefix, before.len() - suffix),
        after[prefix..after.len() - suffix].to_owned(),
    );
    Some(CodeAction {
        title: "Apply every safe aio-lint fix".to_owned(),
        kind: Some(CodeActionKind::new(FIX_ALL)),
        diagnostics: None,
        edit: Some(target.edit(vec![edit])),
        command: None,
        is_preferred: None,
        disabled: None,
        data: None,
    })
}
