//! `lock_across_await`: a synchronous lock guard (`std::sync::Mutex`/`RwLock`,
//! parking_lot) still alive at an `.await`.
//!
//! Owns the docs and the detection over one async body; recognising guards and their
//! liveness is `crate::flow::guards`.

use syn::Block;

use super::shape::{Rule, Shape};
use crate::catalog::runtimes::api;
use crate::catalog::sync;
use crate::diagnostic::RuleInfo;
use crate::flow::FlowCx;
use crate::flow::guards::{GuardKind, Guards, Held, guard_acquisition, held_at_awaits};
use crate::{Diagnostic, Label, Level, Runtime};

/// The descriptor.
pub(crate) const RULE: Rule = Rule {
    info: RuleInfo {
        name: "lock_across_await",
        default_level: Level::Warn,
        summary: "a `std::sync::Mutex`/`RwLock` (or parking_lot) guard alive across an `.await`",
        docs: r#"## What it does

Flags an `.await` reached while a guard of a synchronous lock, bound with `let` in the
same async body, is still alive: `let g = m.lock().unwrap();` (std's `Mutex`, `RwLock`
`read`/`write`), or `let g = m.lock();` in a file that uses parking_lot. The guard ends
at `drop(g)`, when it is moved away, or at the end of its block: an await after any of
those is not flagged. Shadowing (`let g = ..` again) does not end it. A drop on only some
paths (inside an `if`) is taken as the end, to stay precise. Async locks (`m.lock().await`)
are never flagged.

## Why is this bad

The guard keeps the lock held while the task is suspended. Any other task on the same
thread that takes the lock blocks the thread for good (the holder cannot resume to
release it): a deadlock. On a multi-threaded runtime other threads stall on it, and the
future is not `Send`.

## Example

```rust
async fn bump(state: &std::sync::Mutex<State>) {
    let mut s = state.lock().unwrap();
    s.hits += 1;
    save(&s).await;
}
```

## Use instead

```rust
async fn bump(state: &std::sync::Mutex<State>) {
    let snapshot = {
        let mut s = state.lock().unwrap();
        s.hits += 1;
        s.clone()
    }; // or drop(s) before the await
    save(&snapshot).await;
}
```
"#,
    },
    shape: Shape::Body(check),
};

/// The help line for the file's runtime.
pub(crate) fn help(runtime: Runtime) -> String {
    let async_lock = api(runtime).mutex;
    format!(
        "release the guard before the await (`drop(guard)` or an inner block), or use an async lock such as `{async_lock}` if it must be held"
    )
}

/// How this rule recognises its guards.
const LOCKS: Guards = Guards {
    value: guard_acquisition,
    fallible: sync::lock_method,
    kinds: &[GuardKind::Mutex, GuardKind::RwLock],
};

/// Checks one async body.
pub(crate) fn check(cx: &FlowCx<'_>, body: &Block, out: &mut Vec<Diagnostic>) {
    for held in held_at_awaits(body, LOCKS, cx.parking_lot, cx.resolve) {
        out.push(report(cx, &held));
    }
}

/// The finding for a guard alive at an await.
fn report(cx: &FlowCx<'_>, held: &Held<'_>) -> Diagnostic {
    let what = match held.kind {
        GuardKind::RwLock => "read-write lock guard",
        _ => "mutex guard",
    };
    let guard = cx.span_between(held.from, held.to);
    let mut d = match held.name {
        Some(name) => {
            let mut d = RULE.info.diagnostic(
                format!("`{name}`, a synchronous {what}, is held across this `.await`"),
                cx.span(syn::spanned::Spanned::span(held.at)),
                "the task is suspended here with the lock held",
            );
            d.secondary.push(Label {
                span: guard,
                message: format!("`{name}` is acquired here and not released before the await"),
            });
            d.notes.push(format!(
                "`{name}` is still alive at the await: it is not dropped, moved or out of scope before it"
            ));
            d
        }
        None => {
            let mut d = RULE.info.diagnostic(
                format!("a temporary synchronous {what} is held across this `.await`"),
                cx.span(syn::spanned::Spanned::span(held.at)),
                "the task is suspended here with the lock held",
            );
            d.secondary.push(Label {
                span: guard,
                message: "this guard is a temporary: it lives to the end of the statement (or of the `match`/`if let`/`while let` it is the scrutinee of)".to_string(),
            });
            d.notes.push(
                "bind the value you need first (`let v = m.lock().unwrap().get(k).cloned();`), then await".to_string(),
            );
            d
        }
    };
    d.help = Some(help(cx.runtime));
    d
}
