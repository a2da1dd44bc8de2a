//! `borrow_across_await`: a `RefCell` borrow guard (`Ref`/`RefMut`) still alive at an
//! `.await`.
//!
//! Owns the docs and the texts; recognising borrows and their liveness is
//! `crate::flow::guards`, with the same scope logic as `lock_across_await`.

use syn::Block;

use super::shape::{Rule, Shape};
use crate::catalog::runtimes::api;
use crate::catalog::sync;
use crate::diagnostic::RuleInfo;
use crate::flow::FlowCx;
use crate::flow::guards::{GuardKind, Guards, Held, borrow_acquisition, held_at_awaits};
use crate::{Diagnostic, Label, Level, Runtime};

/// The descriptor.
pub(crate) const RULE: Rule = Rule {
    info: RuleInfo {
        name: "borrow_across_await",
        default_level: Level::Warn,
        summary: "a `RefCell` borrow (`Ref`/`RefMut`) alive across an `.await`",
        docs: r#"## What it does

Flags an `.await` reached while a `RefCell` borrow is alive: a guard bound with `let`
(`let v = cell.borrow_mut();`, `let r = cell.try_borrow()?;`, or a binding typed `Ref` /
`RefMut`), or a temporary borrow in the awaiting statement itself
(`cell.borrow().get(k).cloned().await`-like chains, or the scrutinee of a `match`,
`if let` or `while let` whose body awaits). A bound borrow ends at `drop(r)`, when it is
moved away, or at the end of its block, as for `lock_across_await`.

## Why is this bad

A `RefCell` is used where tasks share one thread: a single-threaded runtime, a `LocalSet`.
While this task is suspended, the borrow stays taken, and the next task on the thread
that calls `borrow_mut()` on the same cell panics with `BorrowMutError` (or
`BorrowError` for a shared borrow against a mutable one). Whether it happens depends on
the timing of the other tasks, so tests rarely see it.

## Example

```rust
async fn record(log: &std::cell::RefCell<Vec<String>>) {
    let mut entries = log.borrow_mut();
    entries.push(fetch_line().await);
}
```

## Use instead

```rust
async fn record(log: &std::cell::RefCell<Vec<String>>) {
    let line = fetch_line().await;
    log.borrow_mut().push(line); // borrowed only between awaits
}
```
"#,
    },
    shape: Shape::Body(check),
};

/// How this rule recognises its guards.
const BORROWS: Guards = Guards {
    value: borrow_acquisition,
    fallible: sync::fallible_borrow_method,
    kinds: &[GuardKind::RefCell],
};

/// The help line for the file's runtime.
pub(crate) fn help(runtime: Runtime) -> String {
    let async_lock = api(runtime).mutex;
    format!(
        "end the borrow before the await (copy or clone what you need out of it, or borrow in an inner block), or, if the value must stay borrowed while the task waits, put it in an async lock such as `{async_lock}`"
    )
}

/// Checks one async body.
pub(crate) fn check(cx: &FlowCx<'_>, body: &Block, out: &mut Vec<Diagnostic>) {
    for held in held_at_awaits(body, BORROWS, cx.parking_lot, cx.resolve) {
        out.push(report(cx, &held));
    }
}

/// The finding for a borrow alive at an await.
fn report(cx: &FlowCx<'_>, held: &Held<'_>) -> Diagnostic {
    let borrowed = cx.span_between(held.from, held.to);
    let at = cx.span(syn::spanned::Spanned::span(held.at));
    let mut d = match held.name {
        Some(name) => {
            let mut d = RULE.info.diagnostic(
                format!("`{name}`, a `RefCell` borrow, is held across this `.await`"),
                at,
                "the task is suspended here with the cell borrowed",
            );
            d.secondary.push(Label {
                span: borrowed,
                message: format!(
                    "`{name}` borrows the cell here and is not dropped before the await"
                ),
            });
            d
        }
        None => {
            let mut d = RULE.info.diagnostic(
                "a temporary `RefCell` borrow is held across this `.await`".to_string(),
                at,
                "the task is suspended here with the cell borrowed",
            );
            d.secondary.push(Label {
                span: borrowed,
                message: "this borrow is a temporary: it lives to the end of the statement (or of the `match`/`if let`/`while let` it is the scrutinee of)".to_string(),
            });
            d
        }
    };
    d.notes.push(
        "another task on this thread that borrows the cell mutably while this one waits panics with `BorrowMutError`".to_string(),
    );
    d.help = Some(help(cx.runtime));
    d
}
