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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Edit, Label, Suggestion};
    use crate::source::LineIndex;

    /// A finding of `rule` on the first `needle` of `text`, fixed by replacing each
    /// `(needle, replacement)` of `edits` with `applicability`.
    fn finding(
        text: &str,
        needle: &str,
        edits: &[(&str, &str)],
        applicability: Applicability,
    ) -> Diagnostic {
        let index = LineIndex::new(text);
        let span = |n: &str| {
            let at = text.find(n).unwrap();
            index.span(text, at, at + n.len())
        };
        let (first, rest) = edits.split_first().unwrap();
        Diagnostic {
            rule: "demo",
            level: Level::Warn,
            message: "m".into(),
            primary: Label {
                span: span(needle),
                message: String::new(),
            },
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
            suggestion: Some(Suggestion {
                span: span(first.0),
                replacement: first.1.into(),
                applicability,
                more: rest
                    .iter()
                    .map(|(n, r)| Edit {
                        span: span(n),
                        replacement: (*r).into(),
                    })
                    .collect(),
            }),
        }
    }

    fn uri() -> Uri {
        Uri::from_str("file:///a.rs").unwrap()
    }

    /// The edits of `edit` for `uri()`, with the document version they name.
    fn edits_of(edit: &WorkspaceEdit) -> (Option<i32>, Vec<TextEdit>) {
        if let Some(DocumentChanges::Edits(docs)) = &edit.document_changes {
            assert_eq!(docs.len(), 1);
            assert_eq!(docs[0].text_document.uri, uri());
            let edits = docs[0]
                .edits
                .iter()
                .map(|e| match e {
                    OneOf::Left(e) => e.clone(),
                    OneOf::Right(a) => a.text_edit.clone(),
                })
                .collect();
            return (docs[0].text_document.version, edits);
        }
        assert!(edit.document_changes.is_none());
        let changes: Vec<_> = edit.changes.iter().flatten().collect();
        assert_eq!(changes.len(), 1);
        assert_eq!(*changes[0].0, uri());
        (None, changes[0].1.clone())
    }

    fn pos(line: u32, character: u32) -> Position {
        Position::new(line, character)
    }

    #[test]
    fn a_fix_carries_every_edit_and_its_applicability_sets_title_and_preference() {
        let text = "fn f() {\n    é(a); b;\n}\n";
        let lines = Lines::new(text);
        let uri = uri();
        for (applicability, tag, preferred) in [
            (Applicability::MachineApplicable, "", true),
            (Applicability::MaybeIncorrect, " (unsafe)", false),
            (Applicability::HasPlaceholders, " (has placeholders)", false),
        ] {
            let mut d = finding(text, "é(a)", &[("a", "x"), ("b", "y")], applicability);
            for (help, title) in [
                (None, format!("Fix aio::demo{tag}")),
                (Some("do it"), format!("Fix aio::demo: do it{tag}")),
            ] {
                d.help = help.map(str::to_owned);
                for version in [None, Some(7)] {
                    let target = Target { uri: &uri, version };
                    let diagnostic = diagnostic(&d, &uri, text, &lines);
                    let a = fix_action(&d, diagnostic.clone(), &target, text, &lines).unwrap();
                    assert_eq!(a.title, title);
                    assert_eq!(a.kind, Some(CodeActionKind::QUICKFIX));
                    assert_eq!(a.is_preferred, Some(preferred));
                    assert_eq!(a.diagnostics, Some(vec![diagnostic]));
                    let (v, edits) = edits_of(a.edit.as_ref().unwrap());
                    assert_eq!(v, version);
                    // UTF-16 columns: `é` is one unit and two bytes.
                    assert_eq!(
                        edits,
                        [
                            TextEdit::new(Range::new(pos(1, 6), pos(1, 7)), "x".into()),
                            TextEdit::new(Range::new(pos(1, 10), pos(1, 11)), "y".into()),
                        ]
                    );
                }
            }
        }
        let mut d = finding(text, "b", &[("b", "")], Applicability::MachineApplicable);
        d.suggestion = None;
        let target = Target {
            uri: &uri,
            version: None,
        };
        let diagnostic = diagnostic(&d, &uri, text, &lines);
        assert!(fix_action(&d, diagnostic, &target, text, &lines).is_none());
    }

    #[test]
    fn fix_all_replaces_only_what_changed() {
        let uri = uri();
        let target = Target {
            uri: &uri,
            version: Some(3),
        };
        let before = "fn f() {\n    é(1);\n    é(2);\n}\n";
        let after = "fn f() {\n    é(1).await;\n    é(2);\n}\n";
        let a = fix_all_action(&target, before, after).unwrap();
        assert_eq!(a.kind, Some(CodeActionKind::new(FIX_ALL)));
        assert_eq!(a.is_preferred, None);
        let (v, edits) = edits_of(a.edit.as_ref().unwrap());
        assert_eq!(v, Some(3));
        assert_eq!(
            edits,
            [TextEdit::new(
                Range::new(pos(1, 8), pos(1, 8)),
                ".await".into()
            )]
        );
        // A change of a multi-byte character, a whole text, growth and shrinking at the
        // ends: applying the edit always gives `after`.
        for (before, after) in [
            ("aéb", "aèb"),
            ("é", "è"),
            ("abc", "abcd"),
            ("abcd", "abc"),
            ("abc", "xabc"),
            ("xabc", "abc"),
            ("aa", "aaa"),
            ("", "x"),
            ("x\ny\n", "x\n"),
        ] {
            let a = fix_all_action(&target, before, after).unwrap();
            let (_, edits) = edits_of(a.edit.as_ref().unwrap());
            assert_eq!(edits.len(), 1);
            let lines = Lines::new(before);
            let start = lines.offset(before, edits[0].range.start);
            let end = lines.offset(before, edits[0].range.end);
            let mut applied = before.to_owned();
            applied.replace_range(start..end, &edits[0].new_text);
            assert_eq!(applied, after, "{before:?} -> {after:?}: {edits:?}");
            assert!(
                edits[0].new_text.len() <= after.len().abs_diff(before.len()) + 2,
                "{before:?} -> {after:?}: {edits:?}"
            );
        }
        assert!(fix_all_action(&target, before, before).is_none());
    }
}
