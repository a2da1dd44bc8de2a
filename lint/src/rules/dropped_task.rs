//! `dropped_task`: a task handle thrown away where dropping it cancels the task (smol,
//! async-executor, async-task, async-global-executor).
//!
//! Owns the docs and the detection over a whole file (a task dropped in sync code is lost
//! just the same); which spawns and executors cancel on drop is the catalog's. Tokio, async-std and aio handles
//! detach on drop and are never flagged.

use std::collections::BTreeSet;

use syn::visit::{self, Visit};
use syn::{Expr, Pat, Stmt, Type};

use super::shape::{Rule, Shape};
use crate::catalog::tasks;
use crate::diagnostic::RuleInfo;
use crate::flow::FlowCx;
use crate::flow::vars::{pat_bindings, root_var};
use crate::flow::walk::strip;
use crate::{Diagnostic, Level, Runtime};

/// The descriptor.
pub(crate) const RULE: Rule = Rule {
    info: RuleInfo {
        name: "dropped_task",
        default_level: Level::Warn,
        summary: "a task handle dropped where dropping cancels the task (smol, async-executor)",
        docs: r#"## What it does

Flags a task handle that is discarded (`smol::spawn(f);`, `let _ = ex.spawn(f);`,
`let (runnable, _) = async_task::spawn(..)`) when it comes from a spawn whose handle
cancels the task on drop: `smol::spawn`, `async_executor::Executor::spawn` and
`LocalExecutor::spawn` (also through smol's re-exports), `async_global_executor::spawn`
and `async_task::spawn*`. Not flagged: `.detach()`, a handle kept in a binding or a
collection, tokio/async-std/aio spawns (their handles detach on drop).

## Why is this bad

In these executors a `Task` is the task: dropping the handle cancels it, usually before
it ever ran. The code reads like "start this in the background" and does nothing. The
asyncio notes warn to keep references to tasks for the same reason.

## Example

```rust
fn start(ex: &smol::Executor<'_>) {
    ex.spawn(heartbeat()); // cancelled immediately
}
```

## Use instead

```rust
fn start(ex: &smol::Executor<'_>) {
    ex.spawn(heartbeat()).detach(); // or keep the Task and await it
}
```
"#,
    },
    shape: Shape::File(check_file),
};

/// The help line.
pub(crate) fn help(_runtime: Runtime) -> String {
    "call `.detach()` on the task to let it run in the background, or keep the handle and await it"
        .into()
}

/// Checks a whole file.
pub(crate) fn check_file(cx: &FlowCx<'_>, file: &syn::File, out: &mut Vec<Diagnostic>) {
    let mut names = ExecutorNames {
        cx,
        names: BTreeSet::new(),
    };
    names.visit_file(file);
    let mut v = Drops {
        cx,
        executors: names.names,
        out,
    };
    v.visit_file(file);
}

fn is_executor_type(cx: &FlowCx<'_>, ty: &Type) -> bool {
    match ty {
        Type::Reference(r) => is_executor_type(cx, &r.elem),
        Type::Paren(p) => is_executor_type(cx, &p.elem),
        Type::Path(p) => {
            let last = p.path.segments.last();
            // `Arc<Executor>`, `Rc<LocalExecutor>`, `&'static Executor`.
            if let Some(seg) = last
                && (seg.ident == "Arc" || seg.ident == "Rc")
                && let syn::PathArguments::AngleBracketed(a) = &seg.arguments
                && let Some(syn::GenericArgument::Type(inner)) = a.args.first()
            {
                return is_executor_type(cx, inner);
            }
            cx.resolve_fn(&p.path)
                .is_some_and(|r| tasks::is_cancelling_executor(&r))
                || (cx.resolve)(&p.path).is_some_and(|r| tasks::is_cancelling_executor(&r))
        }
        _ => false,
    }
}

fn is_executor_new(cx: &FlowCx<'_>, e: &Expr) -> bool {
    match strip(e) {
        Expr::Call(c) => match strip(&c.func) {
            Expr::Path(p) => {
                let resolved = cx.resolve_fn(&p.path).unwrap_or_default();
                if let Some(ty) = resolved.strip_suffix("::new") {
                    tasks::is_cancelling_executor(ty)
                } else if resolved.ends_with("Arc::new")
                    || resolved.ends_with("Rc::new")
                    || p.path.segments.len() == 2
                {
                    // `Arc::new(Executor::new())`
                    c.args.first().is_some_and(|a| is_executor_new(cx, a))
                } else {
                    false
                }
            }
            _ => false,
        },
        _ => false,
    }
}

/// Names bound to an executor anywhere in the file: `let ex = Executor::new();`, a
/// parameter or a static of executor type.
struct ExecutorNames<'c> {
    cx: &'c FlowCx<'c>,
    names: BTreeSet<String>,
}

impl<'ast> Visit<'ast> for ExecutorNames<'_> {
    fn visit_local(&mut self, l: &'ast syn::Local) {
        let typed = matches!(&l.pat, Pat::Type(t) if is_executor_type(self.cx, &t.ty));
        if typed
            || l.init
                .as_ref()
                .is_some_and(|i| is_executor_new(self.cx, &i.expr))
        {
            self.names.extend(pat_bindings(&l.pat));
        }
        visit::visit_local(self, l);
    }
    fn visit_pat_type(&mut self, p: &'ast syn::PatType) {
        if is_executor_type(self.cx, &p.ty) {
            self.names.extend(pat_bindings(&p.pat));
        }
        visit::visit_pat_type(self, p);
    }
    fn visit_item_static(&mut self, s: &'ast syn::ItemStatic) {
        if is_executor_type(self.cx, &s.ty) {
            self.names.insert(s.ident.to_string());
        }
        visit::visit_item_static(self, s);
    }
}

struct Drops<'a, 'c> {
    cx: &'c FlowCx<'c>,
    executors: BTreeSet<String>,
    out: &'a mut Vec<Diagnostic>,
}

impl Drops<'_, '_> {
    /// The spawn call under `e`, if it returns a cancel-on-drop task.
    fn cancelling_spawn<'e>(&self, e: &'e Expr) -> Option<&'e Expr> {
        let e = strip(e);
        match e {
            Expr::Call(c) => {
                let Expr::Path(p) = strip(&c.func) else {
                    return None;
                };
                let r = self.cx.resolve_fn(&p.path)?;
                tasks::spawner(&r)
                    .is_some_and(|s| s.drop_cancels)
                    .then_some(e)
            }
            Expr::MethodCall(m) if m.method == "spawn" && m.args.len() == 1 => {
                let root = root_var(&m.receiver)?;
                self.executors.contains(&root).then_some(e)
            }
            _ => None,
        }
    }

    fn report(&mut self, call: &Expr, how: &str) {
        let mut d = RULE.info.diagnostic(
            "this task is cancelled as soon as it is spawned: its handle is dropped".into(),
            self.cx.span(syn::spanned::Spanned::span(call)),
            how,
        );
        d.help = Some(help(self.cx.runtime));
        self.out.push(d);
    }
}

impl<'ast> Visit<'ast> for Drops<'_, '_> {
    fn visit_stmt(&mut self, s: &'ast Stmt) {
        match s {
            Stmt::Expr(e, Some(_)) => {
                if let Some(call) = self.cancelling_spawn(e) {
                    self.report(
                        call,
                        "the returned `Task` is dropped at the end of this statement",
                    );
                }
            }
            Stmt::Local(l) => {
                if let Some(init) = &l.init
                    && let Some(call) = self.cancelling_spawn(&init.expr)
                {
                    let dropped = match &l.pat {
                        Pat::Wild(_) => true,
                        // `async_task::spawn` returns `(Runnable, Task)`.
                        Pat::Tuple(t) => {
                            t.elems.len() == 2 && matches!(t.elems.last(), Some(Pat::Wild(_)))
                        }
                        _ => false,
                    };
                    if dropped {
                        self.report(call, "`let _ =` drops the `Task` immediately");
                    }
                }
            }
            _ => {}
        }
        visit::visit_stmt(self, s);
    }
}
