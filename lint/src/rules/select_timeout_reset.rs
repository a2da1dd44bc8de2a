//! `select_timeout_reset`: a `select!` in a loop whose branch is a delay created anew on
//! every iteration, so that it starts over whenever another branch wins.
//!
//! Owns the docs, the detection and the texts; finding `select!`s in loops and seeing
//! through pinning is `crate::flow::select`, the timers are the catalog's.

use proc_macro2::Span as PmSpan;
use syn::{Block, Expr};

use super::shape::{Rule, Shape};
use crate::catalog::futures::{self, TimerKind};
use crate::diagnostic::RuleInfo;
use crate::flow::FlowCx;
use crate::flow::select::{continues, created, for_each_loop_branch, leaves_loop, rivals_leave};
use crate::macros::SelectArm;
use crate::{Diagnostic, Label, Level, Runtime};

/// The descriptor.
pub(crate) const RULE: Rule = Rule {
    info: RuleInfo {
        name: "select_timeout_reset",
        default_level: Level::Warn,
        summary: "a timer created on every iteration of a loop around `select!`: it restarts whenever another branch wins",
        docs: r#"## What it does

Flags, inside a loop, a `select!` branch that is only a delay (`sleep(d)`,
`Timer::after(d)`, `Delay::new(d)`) created in the loop's body: written in the branch
itself, or bound (and pinned) before the `select!` in the same iteration. Not flagged:
a timer created before the loop and polled by `&mut`, `sleep_until(deadline)` (a fixed
instant), a `timeout(d, op)` that bounds the branch's own work, a branch that leaves
the loop (`break`, `return`): that is an idle timeout, which is meant to restart; a timer
whose every rival leaves the loop (a periodic sleep with a way out: no rival's win
comes round to restart it); and a timer with an empty handler (`=> {}`) when no rival
`continue`s: it only wakes the loop, and any winner runs the same code after the
`select!`.

## Why is this bad

Each iteration creates a new timer that starts counting from zero. When another branch
wins, the loop comes round and the delay starts over: under steady traffic on the other
branches it never fires, and the periodic work it stands for (a flush, a heartbeat, a
retry) never runs.

## Example

```rust
async fn pump(mut rx: tokio::sync::mpsc::Receiver<Msg>, out: &mut Batch) {
    loop {
        tokio::select! {
            Some(msg) = rx.recv() => out.push(msg),
            _ = tokio::time::sleep(FLUSH_EVERY) => out.flush().await,
        }
    }
}
```

## Use instead

```rust
async fn pump(mut rx: tokio::sync::mpsc::Receiver<Msg>, out: &mut Batch) {
    let flush = tokio::time::sleep(FLUSH_EVERY);
    tokio::pin!(flush);
    loop {
        tokio::select! {
            Some(msg) = rx.recv() => out.push(msg),
            _ = &mut flush => {
                out.flush().await;
                flush.as_mut().reset(tokio::time::Instant::now() + FLUSH_EVERY);
            }
        }
    }
}
```

## Fix safety

Unsafe, and for tokio only (with its `time` feature): a `sleep(d)` written in the branch of
a `tokio::select!` becomes `&mut timer`, with `let timer = tokio::time::sleep(d);
tokio::pin!(timer);` before the loop and `timer.as_mut().reset(tokio::time::Instant::now() + d);`
first in the branch's handler (a fired `Sleep` is ready again at once, so it must be
re-armed, and first, so that a `continue` cannot skip it). The delay then counts from the
last fire rather than from each iteration, and `d` is evaluated before the loop. No fix
when `d` uses a name the loop binds or changes, holds an await, a macro, a block or a
closure, when the loop holds another loop or is not a statement of its own, for a timer
bound in the iteration before the `select!`, for futures' `select!`, or for the other
runtimes: those get only the help.
"#,
    },
    shape: Shape::Body(check),
};

/// The help line for the file's runtime.
pub(crate) fn help(runtime: Runtime) -> String {
    match runtime {
        Runtime::Tokio => "create the timer once before the loop (`let t = tokio::time::sleep(d); tokio::pin!(t);`), poll `&mut t` in the `select!`, and re-arm it with `t.as_mut().reset(tokio::time::Instant::now() + d)` when it fires or on real activity; or fix a deadline before the loop and use `tokio::time::sleep_until(deadline)`".to_string(),
        Runtime::Smol | Runtime::AsyncStd => "create the `Timer` once before the loop and poll it by `&mut` in the `select!`, re-arming it with `timer.set_after(d)` when it fires; or fix a deadline before the loop and use `Timer::at(deadline)`".to_string(),
        Runtime::Aio => "fix a deadline before the loop and wait with `aio::sleep_until(deadline)`, moving the deadline on when it fires; or create the timer once before the loop and poll it by `&mut`".to_string(),
        Runtime::Unknown => "create the timer once before the loop and poll it by `&mut` in the `select!` (re-arm it when it fires, e.g. tokio's `Sleep::reset`), or sleep until a deadline fixed before the loop".to_string(),
    }
}

/// Checks each `select!` inside a loop of one async body.
pub(crate) fn check(cx: &FlowCx<'_>, body: &Block, out: &mut Vec<Diagnostic>) {
    for_each_loop_branch(body, &mut |ls, arm, fut| {
        let Some((span, name)) = created(ls.before, fut, &mut |e| delay_call(cx, e)) else {
            return;
        };
        let i = ls.arms.iter().position(|a| std::ptr::eq(a, arm));
        if !leaves_loop(&arm.handler) && !i.is_some_and(|i| nothing_restarts(&ls.arms, i)) {
            out.push(report(cx, span, &name, fut));
        }
    });
}

/// A call that creates a delay counted from now: the catalog's delays, or a function
/// named `sleep`/`delay_for` that does not resolve (a crate's own wrapper): its span and
/// its name as written.
fn delay_call(cx: &FlowCx<'_>, e: &Expr) -> Option<(PmSpan, String)> {
    let Expr::Call(c) = e else { return None };
    let Expr::Path(p) = &*c.func else {
        return None;
    };
    let last = p.path.segments.last()?.ident.to_string();
    let is_delay = match cx.resolve_fn(&p.path) {
        Some(full) => futures::timer(&full) == Some(TimerKind::Delay),
        None => matches!(last.as_str(), "sleep" | "delay_for"),
    };
    let written = crate::syntax::segment_names(&p.path).join("::");
    is_delay.then(|| (syn::spanned::Spanned::span(e), written))
}

fn report(cx: &FlowCx<'_>, created: PmSpan, name: &str, fut: &Expr) -> Diagnostic {
    let mut d = RULE.info.diagnostic(
        format!(
            "this `{name}` is created anew on every iteration of the loop around the `select!`"
        ),
        cx.span(created),
        "the delay starts over each time another branch wins",
    );
    let branch = cx.span(syn::spanned::Spanned::span(fut));
    if branch != d.primary.span {
        d.secondary.push(Label {
            span: branch,
            message: "the `select!` branch that waits on it".to_string(),
        });
    }
    d.notes.push(
        "under steady traffic on the other branches this branch never fires, so the work it stands for never runs".to_string(),
    );
    d.help = Some(help(cx.runtime));
    d
}

/// Whether no other branch's win can starve the timer's: every other branch leaves the
/// loop (a periodic sleep with a way out: nothing comes round to restart it), or the
/// timer's handler is empty and no other branch skips the rest of the iteration (the
/// timer only wakes the loop, and any other winner runs the same code after the
/// `select!`).
fn nothing_restarts(arms: &[SelectArm], timer: usize) -> bool {
    if rivals_leave(arms, timer) {
        return true;
    }
    let empty = match &arms[timer].handler {
        Expr::Block(b) => b.block.stmts.is_empty(),
        Expr::Tuple(t) => t.elems.is_empty(),
        _ => false,
    };
    empty
        && !arms
            .iter()
            .enumerate()
            .any(|(j, a)| j != timer && a.future.is_some() && continues(&a.handler))
}
