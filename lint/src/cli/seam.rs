//! The seam between the command line and the rule engine: the one place that names the
//! engine's API (`analyze_file`, `link`, `rules`), plus the few diagnostics the command
//! line makes itself (`parse_error` for files that cannot be read, at the start of the
//! file). Nothing here reads files or renders output.

pub(crate) use crate::{
    FileAnalysis, FileOptions, ItemAllow, Runtime, analyze_file, link, link_relative_to,
};

use crate::{Diagnostic, Level, LineCol, Span};

pub(crate) use crate::RuleInfo;
pub(crate) use crate::fix::{RuntimeFeatures, apply as fixes, suggest as suggest_fixes};

/// Name of the rule for files that cannot be read or parsed.
pub(crate) const PARSE_ERROR: &str = "parse_error";
/// Name of the rule for suppressions that suppress nothing.
pub(crate) const UNUSED_SUPPRESSION: &str = "unused_suppression";

/// Every rule (the engine's list, which includes `parse_error` and
/// `unused_suppression`), sorted by name.
pub(crate) fn rules() -> &'static [RuleInfo] {
    crate::rules()
}

/// The static name of `rule` in the rule list (diagnostics carry `&'static str`).
fn static_name(rule: &str) -> &'static str {
    crate::rules()
        .iter()
        .find(|r| r.name == rule)
        .map_or(PARSE_ERROR, |r| r.name)
}

/// A `parse_error` diagnostic made by the command line.
pub(crate) fn parse_error(span: Span, message: String) -> Diagnostic {
    Diagnostic {
        rule: static_name(PARSE_ERROR),
        level: Level::Warn,
        message,
        primary: crate::Label {
            span,
            message: String::new(),
        },
        secondary: Vec::new(),
        notes: Vec::new(),
        help: None,
        suggestion: None,
    }
}

/// The span at the very start of a file.
pub(crate) fn start_of_file() -> Span {
    let at = LineCol { line: 1, column: 1 };
    Span {
        byte_start: 0,
        byte_end: 0,
        start: at,
        end: at,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_rule_list_has_the_rules_the_command_line_reports() {
        let all = super::rules();
        for name in [super::PARSE_ERROR, super::UNUSED_SUPPRESSION] {
            assert!(all.iter().any(|r| r.name == name), "{name} missing");
        }
        assert!(all.windows(2).all(|w| w[0].name < w[1].name));
    }
}
