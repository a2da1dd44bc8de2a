//! `unused_suppression`: the registry entry for suppressions that suppress nothing. The
//! CLI raises it (it owns suppression comments); the engine only lists it.

use super::shape::{Rule, Shape};
use crate::Level;
use crate::diagnostic::RuleInfo;

/// The descriptor.
pub(crate) const RULE: Rule = Rule {
    info: RuleInfo {
        name: "unused_suppression",
        default_level: Level::Warn,
        summary: "an aio-lint suppression that suppresses nothing or names an unknown rule",
        docs: r#"## What it does

Reports `// aio-lint: allow(rule)`, `// aio-lint: allow-file(rule)` and
`#[aio::allow(rule)]` suppressions that did not suppress any finding, or that name a rule
which does not exist.

## Why is this bad

A stale suppression hides the next real finding on that line; a misspelt one suppresses
nothing while looking as if it did.

## Example

```rust
async fn f() {
    // aio-lint: allow(blocking_sleep)
    do_async_work().await;
}
```

## Use instead

Remove the suppression, or fix the rule's name (`cargo aio-lint rules` lists them).

## Fix safety

Safe: the fix removes what suppresses nothing: the rule's name from the list, or the
whole `// aio-lint: allow(..)` comment or `#[aio::allow(..)]` attribute (and its line,
when nothing else is on it) when none of its names is used. Unknown rule names and
malformed suppressions get no fix: they may be typos of names in use.
"#,
    },
    shape: Shape::Builtin,
};
