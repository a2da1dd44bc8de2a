//! The SARIF 2.1.0 format: one `run` whose `tool.driver.rules` lists every rule with its
//! help text, and one `result` per finding (`ruleId` = the rule's name). Columns are
//! counted in Unicode code points (`columnKind`), 1-based, as in the other formats.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::report::Report;
use crate::{Level, Span};

fn level(l: Level) -> &'static str {
    match l {
        Level::Warn => "warning",
        Level::Deny => "error",
    }
}

fn region(s: &Span) -> Value {
    json!({
        "startLine": s.start.line,
        "startColumn": s.start.column,
        "endLine": s.end.line,
        "endColumn": s.end.column,
        "byteOffset": s.byte_start,
        "byteLength": s.byte_end - s.byte_start,
    })
}

/// The SARIF URI of a shown path: relative paths stay relative (with `/`), absolute ones
/// become `file://` URIs; characters outside RFC 3986's unreserved set and `/` are
/// percent-encoded.
pub(crate) fn uri(display: &str) -> String {
    let mut out = String::new();
    if display.starts_with('/') {
        out.push_str("file://");
    }
    for b in display.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub(crate) fn document(report: &Report) -> Value {
    let rules: Vec<Value> = report
        .rules
        .iter()
        .map(|r| {
            json!({
                "id": r.name,
                "name": r.name,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": r.summary },
                "help": { "text": r.docs, "markdown": r.docs },
                "defaultConfiguration": { "level": level(r.default_level) },
            })
        })
        .collect();
    let results: Vec<Value> = report
        .files
        .iter()
        .flat_map(|f| f.diagnostics.iter().map(move |d| (f, d)))
        .map(|(f, d)| {
            let location = |s: &Span, message: &str| {
                let mut loc = json!({
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&f.display) },
                        "region": region(s),
                    }
                });
                if !message.is_empty() {
                    loc["message"] = json!({ "text": message });
                }
                loc
            };
            let mut text = d.message.clone();
            for n in &d.notes {
                text.push_str(&format!("\nnote: {n}"));
            }
            if let Some(h) = &d.help {
                text.push_str(&format!("\nhelp: {h}"));
            }
            let mut result = json!({
                "ruleId": d.rule,
                "ruleIndex": report.rules.iter().position(|r| r.name == d.rule),
                "level": level(d.level),
                "message": { "text": text },
                "locations": [location(&d.primary.span, &d.primary.message)],
            });
            if !d.secondary.is_empty() {
                result["relatedLocations"] = d.secondary.iter().enumerate().map(|(i, l)| {
                    let mut loc = location(&l.span, &l.message);
                    loc["id"] = json!(i);
                    loc
                }).collect();
            }
            if let Some(s) = &d.suggestion {
                result["fixes"] = json!([{
                    "description": { "text": d.help.as_deref().unwrap_or("apply this replacement") },
                    "artifactChanges": [{
                        "artifactLocation": { "uri": uri(&f.display) },
                        "replacements": s.edits().map(|(span, text)| json!({ "deletedRegion": region(&span), "insertedContent": { "text": text } })).collect::<Vec<_>>(),
                    }],
                }]);
            }
            result
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": { "name": "aio-lint", "version": env!("CARGO_PKG_VERSION"), "rules": rules } },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

pub(crate) fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &document(report))?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(super::uri("src/a b/é.rs"), "src/a%20b/%C3%A9.rs");
        assert_eq!(super::uri("/tmp/x.rs"), "file:///tmp/x.rs");
    }
}
