//! `parse_error`: the pseudo-rule for a file that could not be linted.
//!
//! The engine raises it for syntax errors and pathological nesting; the CLI raises it for
//! files it cannot read or decode.

use super::RuleInfo;
use crate::Level;

/// The descriptor.
pub(crate) const RULE: RuleInfo = RuleInfo {
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
};
