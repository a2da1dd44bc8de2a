//! `busy_wait`: a loop in async context that spins, re-reading an atomic, a clock or a
//! flag, without ever awaiting.
//!
//! Owns the docs and the detection over one async body. A loop spins when no path that
//! goes round again does anything but read: every statement on such a path is a read of
//! an atomic (`load`), a cell, a clock (`Instant::now`, `elapsed`), a flag or a polling
//! call (`try_recv`, `is_finished`), or a spin hint. Paths that `break` or `return` may do
//! anything. Loops with an await anywhere (also inside `select!`/`join!`) never spin.

use syn::{Block, Expr, Stmt};

use super::shape::{Rule, Shape};
use crate::catalog::runtimes::api;
use crate::catalog::sync;
use crate::diagnostic::RuleInfo;
use crate::flow::FlowCx;
use crate::flow::walk::{BodyVisitor, awaits_in, strip, walk_body};
use crate::syntax::is_assign;
use crate::{Diagnostic, Level, Runtime};

/// The descriptor.
pub(crate) const RULE: Rule = Rule {
    info: RuleInfo {
        name: "busy_wait",
        default_level: Level::Warn,
        summary: "a loop in async context that spins on a flag, an atomic or a clock without awaiting",
        docs: r#"## What it does

Flags a `loop` or `while` in async context that contains no `.await` and whose every
iteration only re-reads something: an atomic (`flag.load(..)`), a `Cell`/`RefCell`, a clock
(`Instant::now()`, `start.elapsed()`), a boolean flag, or a polling call that keeps
failing (`while rx.try_recv().is_err()`, `is_finished`), with at most a spin hint (`std::hint::spin_loop()`,
`std::thread::yield_now()`) in the body. Not flagged: loops that await or yield to the
runtime, loops that do work each iteration (a compare-and-swap retry, draining a queue),
and loops in closures handed to other threads.

## Why is this bad

A task only lets others run at an `.await`. A loop that waits for a flag without awaiting
never lets the task that would set the flag run (on a single-threaded runtime it hangs
for ever), and on any runtime it burns a core and stalls every task of its thread.

## Example

```rust
async fn wait_ready(ready: &AtomicBool) {
    while !ready.load(Ordering::Acquire) {
        std::hint::spin_loop();
    }
}
```

## Use instead

```rust
async fn wait_ready(ready: &tokio::sync::Notify) {
    ready.notified().await; // or aio::sync::Event::wait(), a watch channel, ...
}
```
"#,
    },
    shape: Shape::Body(check),
};

/// The help line for the file's runtime.
pub(crate) fn help(runtime: Runtime) -> String {
    let signal = match runtime {
        Runtime::Aio => "an `aio::sync::Event`",
        Runtime::Tokio | Runtime::Unknown => "a `tokio::sync::Notify` or `watch` channel",
        Runtime::AsyncStd | Runtime::Smol => "an `event_listener::Event` or a channel",
    };
    let yield_now = api(runtime).yield_now;
    format!(
        "await {signal} that is signalled when the state changes, or at least `{yield_now}().await` (or a sleep) in the loop"
    )
}

/// Checks every loop of one async body.
pub(crate) fn check(cx: &FlowCx<'_>, body: &Block, out: &mut Vec<Diagnostic>) {
    struct V<'a, 'c> {
        cx: &'c FlowCx<'c>,
        out: &'a mut Vec<Diagnostic>,
    }
    impl<'ast> BodyVisitor<'ast> for V<'_, '_> {
        fn expr(&mut self, e: &'ast Expr) {
            let header = match e {
                Expr::While(w)
                    if spins(self.cx, Some(&w.cond), &w.body)
                        || spins_on_call(self.cx, &w.cond, &w.body) =>
                {
                    self.cx
                        .span_between(w.while_token.span, syn::spanned::Spanned::span(&w.cond))
                }
                Expr::Loop(l) if spins(self.cx, None, &l.body) => self.cx.span(l.loop_token.span),
                _ => return,
            };
            if awaits_in(e) {
                return;
            }
            let mut d = RULE.info.diagnostic(
                "this loop spins without awaiting: no other task can run until it ends".into(),
                header,
                "re-checks without ever yielding to the runtime",
            );
            d.help = Some(help(self.cx.runtime));
            self.out.push(d);
        }
    }
    walk_body(body, &mut V { cx, out });
}

/// What one loop reads.
#[derive(Default)]
struct Reads {
    /// Something that can change from elsewhere was read (atomic, clock, flag, poll).
    polls: bool,
}

fn spins(cx: &FlowCx<'_>, cond: Option<&Expr>, body: &Block) -> bool {
    let mut r = Reads::default();
    if let Some(c) = cond {
        if is_flag(c) {
            r.polls = true;
        }
        let hint_only = body
            .stmts
            .iter()
            .all(|s| matches!(s, Stmt::Expr(e, _) if is_spin_hint(cx, e)));
        if !read_only(cx, c, &mut r, hint_only) {
            return false;
        }
    }
    block_spins(cx, body, &mut r) && r.polls
}

/// `while !flag.should_terminate() { spin_loop(); }`, `while !ready() {}`: a loop whose
/// body only spins (spin hints, `thread::yield_now()`) on a condition that calls
/// something, whatever its name; with an empty body, only when every call of the
/// condition asks a question (`is_..`, `has_..`, `should_..`, `can_..`): an empty loop
/// on `while parser.step() {}` does its work in the condition and is no wait.
fn spins_on_call(cx: &FlowCx<'_>, cond: &Expr, body: &Block) -> bool {
    let hints = !body.stmts.is_empty()
        && body
            .stmts
            .iter()
            .all(|s| matches!(s, Stmt::Expr(e, _) if is_spin_hint(cx, e)));
    if !hints && !body.stmts.is_empty() {
        return false;
    }
    let mut calls = Vec::new();
    if !polled_calls(cond, &mut calls) || calls.is_empty() {
        return false;
    }
    hints || calls.iter().all(|n| is_question(n))
}

fn is_question(name: &str) -> bool {
    ["is_", "has_", "should_", "can_"]
        .iter()
        .any(|p| name.starts_with(p))
}

/// The names of the calls a loop condition makes, through `!`, comparisons and `&&`/`||`;
/// false when it holds anything else than calls, paths, fields and literals (a `let`, a
/// closure, a block, an assignment, a macro).
fn polled_calls(e: &Expr, out: &mut Vec<String>) -> bool {
    match strip(e) {
        Expr::Unary(u) => polled_calls(&u.expr, out),
        Expr::Binary(b) => {
            !is_assign(&b.op) && polled_calls(&b.left, out) && polled_calls(&b.right, out)
        }
        Expr::Lit(_) | Expr::Path(_) => true,
        Expr::Field(f) => polled_calls(&f.base, out),
        Expr::MethodCall(m) => {
            out.push(m.method.to_string());
            polled_calls(&m.receiver, out) && m.args.iter().all(|a| polled_calls(a, out))
        }
        Expr::Call(c) => {
            let Expr::Path(p) = strip(&c.func) else {
                return false;
            };
            let Some(last) = p.path.segments.last() else {
                return false;
            };
            out.push(last.ident.to_string());
            c.args.iter().all(|a| polled_calls(a, out))
        }
        Expr::Reference(r) => r.mutability.is_none() && polled_calls(&r.expr, out),
        _ => false,
    }
}

/// `done`, `!done`, `self.stop`, `!*flag`: a boolean flag as the whole condition.
fn is_flag(e: &Expr) -> bool {
    match strip(e) {
        Expr::Unary(u) => is_flag(&u.expr),
        Expr::Path(p) => p
            .path
            .get_ident()
            .is_some_and(|i| i.to_string().chars().next().is_some_and(char::is_lowercase)),
        Expr::Field(_) => true,
        _ => false,
    }
}

fn block_spins(cx: &FlowCx<'_>, b: &Block, r: &mut Reads) -> bool {
    b.stmts.iter().all(|s| stmt_spins(cx, s, r))
}

fn stmt_spins(cx: &FlowCx<'_>, s: &Stmt, r: &mut Reads) -> bool {
    match s {
        Stmt::Local(l) => l.init.as_ref().is_some_and(|i| {
            read_only(cx, &i.expr, r, false) && i.diverge.as_ref().is_none_or(|(_, d)| exits(d))
        }),
        Stmt::Expr(e, _) => expr_spins(cx, e, r),
        Stmt::Item(_) | Stmt::Macro(_) => false,
    }
}

fn expr_spins(cx: &FlowCx<'_>, e: &Expr, r: &mut Reads) -> bool {
    match strip(e) {
        Expr::If(i) => {
            read_only(cx, &i.cond, r, false)
                && (block_exits(&i.then_branch) || block_spins(cx, &i.then_branch, r))
                && i.else_branch
                    .as_ref()
                    .is_none_or(|(_, e)| exits(e) || expr_spins(cx, e, r))
        }
        Expr::Match(m) => {
            read_only(cx, &m.expr, r, false)
                && m.arms.iter().all(|a| {
                    arm_guard(&a.pat).is_none_or(|g| read_only(cx, g, r, false))
                        && (exits(&a.body) || expr_spins(cx, &a.body, r))
                })
        }
        Expr::Block(b) => block_spins(cx, &b.block, r),
        Expr::Continue(_) | Expr::Break(_) | Expr::Return(_) => true,
        Expr::Tuple(t) if t.elems.is_empty() => true,
        other => is_spin_hint(cx, other) || read_only(cx, other, r, false),
    }
}

/// The `if` guard of a match arm (syn keeps it in the pattern).
fn arm_guard(p: &syn::Pat) -> Option<&Expr> {
    match p {
        syn::Pat::Guard(g) => Some(&g.guard),
        _ => None,
    }
}

/// Whether evaluating `e` leaves the loop: `break`, `return`, or a block ending in one.
fn exits(e: &Expr) -> bool {
    match strip(e) {
        Expr::Break(_) | Expr::Return(_) => true,
        Expr::Block(b) => block_exits(&b.block),
        _ => false,
    }
}

fn block_exits(b: &Block) -> bool {
    b.stmts
        .iter()
        .any(|s| matches!(s, Stmt::Expr(e, _) if exits(e)))
}

fn is_spin_hint(cx: &FlowCx<'_>, e: &Expr) -> bool {
    let Expr::Call(c) = strip(e) else {
        return false;
    };
    let Expr::Path(p) = strip(&c.func) else {
        return false;
    };
    cx.resolve_fn(&p.path)
        .is_some_and(|r| sync::is_spin_hint(&r))
}

/// Methods that observe something another task or thread may change.
const POLLS: &[&str] = &[
    "load",
    "get",
    "borrow",
    "elapsed",
    "duration_since",
    "saturating_duration_since",
    "is_finished",
    "is_closed",
    "is_empty",
];

/// Polling calls that take something when they succeed (a message, a lock). A loop that
/// goes on while they *fail* waits (`while rx.try_recv().is_err() {}`); one that goes on
/// while they succeed drains (`while rx.try_recv().is_ok() {}`) and is not a wait.
const TAKING_POLLS: &[&str] = &[
    "try_recv",
    "try_lock",
    "try_wait",
    "try_read",
    "try_write",
    "try_next",
];

/// Methods that compute from their receiver without side effects.
const PURE: &[&str] = &[
    "is_some",
    "is_none",
    "is_ok",
    "is_err",
    "as_secs",
    "as_millis",
    "as_micros",
    "as_nanos",
    "as_secs_f64",
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "not",
    "clone",
    "len",
];

/// Compare-and-swap style calls, which wait when they are the whole condition of a loop
/// whose body only spins (`while flag.swap(true, Acquire) { spin_loop() }`).
const ACQUIRES: &[&str] = &[
    "swap",
    "compare_exchange",
    "compare_exchange_weak",
    "compare_and_swap",
];

fn read_only(cx: &FlowCx<'_>, e: &Expr, r: &mut Reads, cond_of_hint_loop: bool) -> bool {
    let ro = |e: &Expr, r: &mut Reads| read_only(cx, e, r, cond_of_hint_loop);
    match strip(e) {
        Expr::Lit(_) | Expr::Path(_) => true,
        Expr::Field(f) => ro(&f.base, r),
        Expr::Unary(u) => ro(&u.expr, r),
        Expr::Binary(b) => !is_assign(&b.op) && ro(&b.left, r) && ro(&b.right, r),
        Expr::Reference(x) => x.mutability.is_none() && ro(&x.expr, r),
        Expr::Cast(c) => ro(&c.expr, r),
        Expr::Index(i) => ro(&i.expr, r) && ro(&i.index, r),
        Expr::Let(l) => ro(&l.expr, r),
        Expr::MethodCall(m) => {
            let name = m.method.to_string();
            if (name == "is_err" || name == "is_none")
                && let Expr::MethodCall(inner) = strip(&m.receiver)
                && TAKING_POLLS.contains(&inner.method.to_string().as_str())
            {
                r.polls = true;
                return ro(&inner.receiver, r) && inner.args.iter().all(|a| ro(a, r));
            }
            let known = if POLLS.contains(&name.as_str())
                || (cond_of_hint_loop && ACQUIRES.contains(&name.as_str()))
            {
                r.polls = true;
                true
            } else {
                PURE.contains(&name.as_str())
            };
            known && ro(&m.receiver, r) && m.args.iter().all(|a| ro(a, r))
        }
        Expr::Call(c) => {
            let Expr::Path(p) = strip(&c.func) else {
                return false;
            };
            let resolved = cx
                .resolve_fn(&p.path)
                .unwrap_or_else(|| crate::flow::order::path_string(&p.path));
            if resolved.ends_with("Instant::now") || resolved.ends_with("SystemTime::now") {
                r.polls = true;
                true
            } else {
                resolved.contains("Duration::from_") && c.args.iter().all(|a| ro(a, r))
            }
        }
        _ => false,
    }
}
