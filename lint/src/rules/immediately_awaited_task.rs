//! `immediately_awaited_task`: a task spawned and awaited with nothing in between, which
//! gains no concurrency over awaiting the future directly.
//!
//! Owns the docs and the detection over one async body; the spawn functions are the
//! catalog's.

use syn::{Block, Expr, Stmt};

use super::shape::{Rule, Shape};
use crate::catalog::tasks;
use crate::diagnostic::RuleInfo;
use crate::flow::FlowCx;
use crate::flow::vars::single_binding;
use crate::flow::walk::{
    BodyVisitor, for_each_async_body, strip, strip_result_suffixes, walk_body,
};
use crate::{Diagnostic, Label, Level, Runtime};

/// The descriptor.
pub(crate) const RULE: Rule = Rule {
    info: RuleInfo {
        name: "immediately_awaited_task",
        default_level: Level::Warn,
        summary: "a task spawned and awaited at once, with nothing in between",
        docs: r#"## What it does

Flags `spawn(fut).await` and `let t = spawn(fut); t.await` with no statement in between,
for the spawn functions of aio, tokio, async-std, smol, async-global-executor and
actix-rt. `spawn_blocking(..).await` is not flagged: moving blocking work off the event
loop and waiting for it is what it is for.

## Why is this bad

Spawning is how a task runs *while* the spawner does something else. Awaiting the task
at once means the spawner does nothing else: the work runs exactly as long as if it had
been awaited directly, plus the cost of a task. The asyncio notes call
`await asyncio.create_task(coro())` "a bit redundant".

## Example

```rust
async fn main_task() {
    let t = tokio::spawn(work([3, 2, 1]));
    let out = t.await.unwrap();
}
```

## Use instead

```rust
async fn main_task() {
    let out = work([3, 2, 1]).await;
    // or spawn several tasks first and await them together
}
```

## Fix safety

Unsafe: `spawn(fut).await` becomes `fut.await`, so the future runs inside the current
task: a panic in it is no longer caught by the handle. The awaited value keeps its type:
for tokio and aio, whose handles give a `Result`, the fix writes
`Ok::<_, tokio::task::JoinError>(fut.await)` (`aio::TaskError`). No fix for an unknown
runtime or another shape of handle.
"#,
    },
    shape: Shape::File(check_file),
};

/// Whether `e` is a call of a spawn function the catalog knows (through `use` declarations).
pub(crate) fn is_spawn_call(cx: &FlowCx<'_>, e: &Expr) -> bool {
    let Expr::Call(c) = strip(e) else {
        return false;
    };
    let Expr::Path(p) = strip(&c.func) else {
        return false;
    };
    c.args.len() == 1
        && cx
            .resolve_fn(&p.path)
            .is_some_and(|r| tasks::spawner(&r).is_some())
}

/// The help line for the file's runtime.
pub(crate) fn help(runtime: Runtime) -> String {
    let gather = match runtime {
        Runtime::Aio => "`aio::gather!(..)`",
        Runtime::Tokio | Runtime::Unknown => "`tokio::join!(..)`",
        Runtime::AsyncStd | Runtime::Smol => "`futures::join!(..)`",
    };
    format!(
        "await the future directly, or do other work (spawn the other tasks, {gather}) before awaiting the handle"
    )
}

/// Checks every async body of a file, test code excepted (tests spawn and await at once
/// to run code inside a task on purpose: task ids, task-locals, panics).
pub(crate) fn check_file(cx: &FlowCx<'_>, file: &syn::File, out: &mut Vec<Diagnostic>) {
    for_each_async_body(file, &mut |b| {
        if !b.test {
            check(cx, b.block, out);
        }
    });
}

/// Checks one async body.
fn check(cx: &FlowCx<'_>, body: &Block, out: &mut Vec<Diagnostic>) {
    struct V<'ast, 'a, 'c> {
        cx: &'c FlowCx<'c>,
        out: &'a mut Vec<Diagnostic>,
        /// Awaits whose result is inspected as an error (`.unwrap_err()`): deliberate.
        skip: Vec<&'ast syn::ExprAwait>,
    }
    impl<'ast> BodyVisitor<'ast> for V<'ast, '_, '_> {
        fn expr(&mut self, e: &'ast Expr) {
            if inspects_error(e)
                && let Expr::Await(a) = strip_result_suffixes(strip_error_inspection(e))
            {
                self.skip.push(a);
            }
            if let Expr::Await(a) = e
                && !self.skip.iter().any(|s| std::ptr::eq(*s, a))
                && is_spawn_call(self.cx, &a.base)
            {
                self.out.push(diagnostic(self.cx, a, None));
            }
        }
        fn block(&mut self, block: &'ast Block) {
            for pair in block.stmts.windows(2) {
                let Stmt::Local(l) = &pair[0] else { continue };
                let Some(name) = single_binding(&l.pat) else {
                    continue;
                };
                let Some(init) = &l.init else { continue };
                if init.diverge.is_some() || !is_spawn_call(self.cx, &init.expr) {
                    continue;
                }
                if let Some(a) = awaits_name_first(&pair[1], &name.to_string()) {
                    self.out.push(diagnostic(
                        self.cx,
                        a,
                        Some(syn::spanned::Spanned::span(&init.expr)),
                    ));
                }
            }
        }
    }
    walk_body(
        body,
        &mut V {
            cx,
            out,
            skip: Vec::new(),
        },
    );
}

/// Methods that look at a task's failure: the task was spawned to observe a panic or a
/// cancellation, which awaiting the future directly could not do.
const ERROR_INSPECTION: &[&str] = &[
    "unwrap_err",
    "expect_err",
    "is_err",
    "err",
    "into_panic",
    "try_into_panic",
    "is_panic",
    "is_cancelled",
];

fn inspects_error(e: &Expr) -> bool {
    matches!(strip(e), Expr::MethodCall(m) if ERROR_INSPECTION.contains(&m.method.to_string().as_str()))
}

fn strip_error_inspection(e: &Expr) -> &Expr {
    match strip(e) {
        Expr::MethodCall(m) if ERROR_INSPECTION.contains(&m.method.to_string().as_str()) => {
            strip_error_inspection(&m.receiver)
        }
        other => other,
    }
}

/// `t.await..;`, `let x = t.await..;` or a tail `t.await`: the statement starts by
/// awaiting `name`.
fn awaits_name_first<'a>(stmt: &'a Stmt, name: &str) -> Option<&'a syn::ExprAwait> {
    let e = match stmt {
        Stmt::Local(l) => &l.init.as_ref()?.expr,
        Stmt::Expr(e, _) => e,
        _ => return None,
    };
    let Expr::Await(a) = strip_result_suffixes(e) else {
        return None;
    };
    match strip(&a.base) {
        Expr::Path(p) if p.path.is_ident(name) => Some(a),
        _ => None,
    }
}

fn diagnostic(
    cx: &FlowCx<'_>,
    a: &syn::ExprAwait,
    spawned_at: Option<proc_macro2::Span>,
) -> Diagnostic {
    let mut d = RULE.info.diagnostic(
        "this task is awaited as soon as it is spawned: nothing runs concurrently with it".into(),
        cx.span(syn::spanned::Spanned::span(a)),
        "awaited right away",
    );
    if let Some(s) = spawned_at {
        d.secondary.push(Label {
            span: cx.span(s),
            message: "spawned here".into(),
        });
    }
    d.help = Some(help(cx.runtime));
    d
}
