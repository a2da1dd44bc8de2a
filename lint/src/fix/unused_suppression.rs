//! `unused_suppression`: removes what suppresses nothing. When every rule a
//! `// aio-lint: allow(..)` comment or `#[aio::allow(..)]` attribute names is unused, the
//! whole comment or attribute goes (and its line, when nothing else is on it, or the
//! blanks between an attribute and the code after it); otherwise
//! the list keeps the names still in use. Every unused name of one list gets the same
//! edit, so they are fixed together.
//!
//! Safe: nothing it removes suppresses a finding. Unknown rule names and malformed
//! suppressions are reported by the same rule but get no fix (they may be typos of
//! names in use).

use super::cx::FixCx;
use crate::diagnostic::{Applicability, Diagnostic, Suggestion};

/// The start of the message of an unused (not unknown, not malformed) suppression.
const UNUSED: &str = "unused suppression";

pub(crate) fn fix(cx: &FixCx<'_>, d: &Diagnostic, all: &[Diagnostic]) -> Option<Suggestion> {
    if !d.message.starts_with(UNUSED) {
        return None;
    }
    let text = cx.text;
    let (s, e) = (d.primary.span.byte_start, d.primary.span.byte_end);
    let line_start = text[..s].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[e..].find('\n').map_or(text.len(), |i| e + i);
    let open = line_start + text[line_start..s].rfind('(')?;
    let close = e + text[e..line_end].find(')')?;
    // Every name of the list, and whether it is reported unused.
    let mut kept = Vec::new();
    let mut offset = open + 1;
    for part in text[open + 1..close].split(',') {
        let name = part.trim();
        let at = offset + (part.len() - part.trim_start().len());
        offset += part.len() + 1;
        let unused = all.iter().any(|o| {
            o.rule == d.rule
                && o.message.starts_with(UNUSED)
                && o.primary.span.byte_start == at
                && o.primary.span.byte_end == at + name.len()
        });
        if !unused {
            kept.push(name);
        }
    }
    if !kept.is_empty() {
        return Some(cx.replace(
            (open + 1, close),
            kept.join(", "),
            Applicability::MachineApplicable,
        ));
    }
    // The whole comment or attribute goes.
    let before = &text[line_start..open];
    let (from, to) = if let Some(c) = before.rfind("//") {
        (line_start + c, line_end)
    } else {
        let hash = line_start + before.rfind("#[")?;
        let end = close + text[close..line_end].find(']')? + 1;
        (hash, end)
    };
    let own_line = text[line_start..from].trim().is_empty() && text[to..line_end].trim().is_empty();
    let range = if own_line {
        // The whole line, its line break included.
        (line_start, (line_end + 1).min(text.len()))
    } else if text[line_start..from].trim().is_empty() {
        // An attribute before code on its line: it and the blanks after it.
        let after = &text[to..line_end];
        (from, to + after.len() - after.trim_start().len())
    } else {
        // The comment and the blanks before it.
        (line_start + text[line_start..from].trim_end().len(), to)
    };
    Some(cx.replace(range, String::new(), Applicability::MachineApplicable))
}
