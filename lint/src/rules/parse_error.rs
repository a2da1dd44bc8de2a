//! `parse_error`: the pseudo-rule for a file that could not be linted.
//!
//! The engine raises it for syntax errors and pathological nesting; the CLI raises it for
//! files it cannot read or decode.

use super::shape::{Rule, Shape};
use crate::Level;
use crate::diagnostic::RuleInfo;
use crate::diagnostic::{Diagnostic, Span};

/// The descriptor.
pub(crate) const RULE: Rule = Rule {
    info: RuleInfo {
        name: "parse_error",
        default_level: Level::Warn,
        summary: "a file could not be read or parsed, so it was not linted",
        docs: r#"## What it does

Reports a file that could not be linted: it does not parse as Rust (the message carries
the parser's error, the span its position), it is nested too deeply to analyse safely,
it is not valid UTF-8, or it could not be read.

## Why is this bad

Every other rule is blind in that file: its pitfalls go unreported.

## Example

```rust
async fn f( {
```

## Use instead

Fix the syntax error, or exclude the file with `exclude = ["path/glob"]` in the
configuration.
"#,
    },
    shape: Shape::Builtin,
};

/// A `parse_error` finding at `span` (the start of the file, or the syntax error).
pub(crate) fn diagnostic(span: Span, message: String) -> Diagnostic {
    RULE.info.diagnostic(message, span, "")
}

/// The message for a file the parser rejected.
pub(crate) fn does_not_parse(error: &syn::Error) -> String {
    format!("this file does not parse: {error}")
}

/// The message for a file the pre-scan found too deep to parse safely.
pub(crate) fn too_deep_to_parse(max_depth: usize, max_run: usize) -> String {
    format!(
        "this file is nested too deeply to analyse safely ({max_depth} levels of brackets, \
         an expression {max_run} tokens deep)"
    )
}

/// The message for a file whose walk went deeper than the engine follows.
pub(crate) const TOO_DEEP_TO_WALK: &str = "this file is nested too deeply to analyse";

/// The message for a file whose analysis overflowed the big stack.
pub(crate) const NOT_ANALYSED: &str = "this file could not be analysed";

/// The message for a file whose analysis hit a bug of ours (caught, reported, not fatal).
pub(crate) const INTERNAL_ERROR: &str = "this file could not be analysed (internal error)";
