//! `lock_across_await`: a synchronous lock guard (`std::sync::Mutex`/`RwLock`,
//! parking_lot) still alive at an `.await`.
//!
//! Owns the docs and the detection over one async body; recognising guards and their
//! liveness is `crate::flow::guards`.

use syn::{Block, Stmt};

use super::shape::{Rule, Shape};
use crate::catalog::runtimes::api;
use crate::diagnostic::RuleInfo;
use crate::flow::FlowCx;
use crate::flow::guards::{
    GuardKind, first_await_from, first_await_while_alive, guard_acquisition, if_let_guard,
};
use crate::flow::vars::single_binding;
use crate::flow::walk::{BodyVisitor, walk_body};
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

/// Checks every block of one async body.
pub(crate) fn check(cx: &FlowCx<'_>, body: &Block, out: &mut Vec<Diagnostic>) {
    struct V<'a, 'c> {
        cx: &'c FlowCx<'c>,
        out: &'a mut Vec<Diagnostic>,
    }
    impl<'ast> BodyVisitor<'ast> for V<'_, '_> {
        fn expr(&mut self, e: &'ast syn::Expr) {
            // `if let Ok(g) = m.lock() { .. }` and `while let ..`: the guard lives through
            // the block.
            let (cond, block) = match e {
                syn::Expr::If(i) => (&*i.cond, &i.then_branch),
                syn::Expr::While(w) => (&*w.cond, &w.body),
                _ => return,
            };
            let syn::Expr::Let(l) = cond else { return };
            let Some((name, kind)) = if_let_guard(&l.pat, &l.expr) else {
                return;
            };
            let Some(a) = first_await_from(block, 0, &name.to_string()) else {
                return;
            };
            let guard = self
                .cx
                .span_between(l.let_token.span, syn::spanned::Spanned::span(&*l.expr));
            self.out.push(report(self.cx, name, kind, a, guard));
        }
        fn block(&mut self, block: &'ast Block) {
            for (i, stmt) in block.stmts.iter().enumerate() {
                let Stmt::Local(l) = stmt else { continue };
                let Some(init) = &l.init else { continue };
                if init.diverge.is_some() {
                    continue;
                }
                let Some(name) = single_binding(&l.pat) else {
                    continue;
                };
                let Some(kind) = guard_acquisition(&init.expr, self.cx.parking_lot) else {
                    continue;
                };
                let Some(a) = first_await_while_alive(block, i, &name.to_string()) else {
                    continue;
                };
                let guard = self.cx.span(syn::spanned::Spanned::span(stmt));
                self.out.push(report(self.cx, name, kind, a, guard));
            }
        }
    }
    walk_body(body, &mut V { cx, out });
}

/// The finding for guard `name` (acquired at `guard`) alive at `a`.
fn report(
    cx: &FlowCx<'_>,
    name: &syn::Ident,
    kind: GuardKind,
    a: &syn::ExprAwait,
    guard: crate::Span,
) -> Diagnostic {
    let what = match kind {
        GuardKind::Mutex => "mutex guard",
        GuardKind::RwLock => "read-write lock guard",
        GuardKind::RefCell => "`RefCell` borrow",
    };
    let mut d = RULE.info.diagnostic(
        format!("`{name}`, a synchronous {what}, is held across this `.await`"),
        cx.span(syn::spanned::Spanned::span(a)),
        "the task is suspended here with the lock held",
    );
    d.secondary.push(Label {
        span: guard,
        message: format!("`{name}` is acquired here and not released before the await"),
    });
    d.notes.push(format!(
        "`{name}` is still alive at the await: it is not dropped, moved or out of scope before it"
    ));
    d.help = Some(help(cx.runtime));
    d
}
