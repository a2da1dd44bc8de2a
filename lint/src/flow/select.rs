//! `select!` calls inside loops: where each one sits (the statements of its block before
//! it, which run in the same iteration) and its arms, parsed from the macro's tokens.
//!
//! Only the loop's own async context is searched: closures, async blocks and nested
//! items are other bodies (the engine hands nested async blocks to the rules on their
//! own).

use syn::visit::{self, Visit};
use syn::{Block, Expr, Stmt};

use crate::flow::walk::tokens_mention;
use crate::macros::{self, Body, SelectArm};

/// One `select!` inside a loop.
pub(crate) struct LoopSelect<'a> {
    /// The statements before the `select!` in the block that holds it: they run again on
    /// every iteration, just before it.
    pub(crate) before: &'a [Stmt],
    /// The `select!`'s arms.
    pub(crate) arms: Vec<SelectArm>,
}

/// Whether a macro is a `select!` (tokio's, futures' `select!`/`select_biased!`).
fn is_select(mac: &syn::Macro) -> bool {
    mac.path
        .segments
        .last()
        .is_some_and(|s| s.ident == "select" || s.ident == "select_biased")
}

/// The `select!` a statement is, or whose value it binds (`let v = select! {..};`,
/// `select! {..}?;`). A `select!` that is returned or broken with runs once.
fn stmt_select(stmt: &Stmt) -> Option<&syn::Macro> {
    let mut e = match stmt {
        Stmt::Macro(m) => return is_select(&m.mac).then_some(&m.mac),
        Stmt::Expr(e, _) => e,
        Stmt::Local(l) => &l.init.as_ref()?.expr,
        Stmt::Item(_) => return None,
    };
    loop {
        match e {
            Expr::Macro(m) => return is_select(&m.mac).then_some(&m.mac),
            Expr::Try(t) => e = &t.expr,
            _ => return None,
        }
    }
}

/// Every `select!` statement inside a loop of `body`'s own async context.
fn selects_in_loops(body: &Block) -> Vec<LoopSelect<'_>> {
    struct V<'a> {
        depth: usize,
        out: Vec<LoopSelect<'a>>,
    }
    impl<'ast> Visit<'ast> for V<'ast> {
        fn visit_item(&mut self, _: &'ast syn::Item) {}
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
        fn visit_expr_loop(&mut self, l: &'ast syn::ExprLoop) {
            self.depth += 1;
            visit::visit_expr_loop(self, l);
            self.depth -= 1;
        }
        fn visit_expr_while(&mut self, w: &'ast syn::ExprWhile) {
            self.visit_expr(&w.cond);
            self.depth += 1;
            self.visit_block(&w.body);
            self.depth -= 1;
        }
        fn visit_expr_for_loop(&mut self, f: &'ast syn::ExprForLoop) {
            self.visit_expr(&f.expr);
            self.depth += 1;
            self.visit_block(&f.body);
            self.depth -= 1;
        }
        fn visit_block(&mut self, b: &'ast Block) {
            if self.depth > 0 {
                for (i, stmt) in b.stmts.iter().enumerate() {
                    if let Some(mac) = stmt_select(stmt)
                        && let Body::Select(arms) = macros::parse(mac)
                    {
                        self.out.push(LoopSelect {
                            before: &b.stmts[..i],
                            arms,
                        });
                    }
                }
            }
            visit::visit_block(self, b);
        }
    }
    let mut v = V {
        depth: 0,
        out: Vec::new(),
    };
    v.visit_block(body);
    v.out
}

/// Calls `f` with each branch of every `select!` inside a loop of `body`'s own async
/// context that polls a future: the `select!`, the branch and its future.
pub(crate) fn for_each_loop_branch(
    body: &Block,
    f: &mut dyn FnMut(&LoopSelect<'_>, &SelectArm, &Expr),
) {
    for ls in selects_in_loops(body) {
        for arm in &ls.arms {
            if let Some(fut) = &arm.future {
                f(&ls, arm, fut);
            }
        }
    }
}

/// What `f` says of the expression that creates a branch's future `fut`, seen through
/// pinning ([`unpinned`]) and, for a name, the `let` that binds it among `before` (the
/// statements before the `select!` in the same iteration).
pub(crate) fn created<R>(
    before: &[Stmt],
    fut: &Expr,
    f: &mut dyn FnMut(&Expr) -> Option<R>,
) -> Option<R> {
    unpinned(fut, &mut |e| match e {
        Expr::Path(p) => {
            let name = p.path.get_ident()?.to_string();
            let init = bound_in(before, &name)?;
            unpinned(init, &mut *f)
        }
        _ => f(e),
    })
}

/// Calls `f` with `e` without the wrappers that only pin or fuse a future: `&mut x`,
/// `x.as_mut()`, `x.fuse()`, `Box::pin(x)`, `Pin::new(x)`, `pin!(x)`, parentheses.
fn unpinned<R>(e: &Expr, f: &mut dyn FnMut(&Expr) -> R) -> R {
    match e {
        Expr::Paren(p) => unpinned(&p.expr, f),
        Expr::Reference(r) => unpinned(&r.expr, f),
        Expr::MethodCall(m)
            if m.args.is_empty() && (m.method == "fuse" || m.method == "as_mut") =>
        {
            unpinned(&m.receiver, f)
        }
        Expr::Call(c) if c.args.len() == 1 && is_pin_fn(&c.func) => unpinned(&c.args[0], f),
        Expr::Macro(m) if m.mac.path.segments.last().is_some_and(|s| s.ident == "pin") => {
            match syn::parse2::<Expr>(m.mac.tokens.clone()) {
                Ok(inner) => unpinned(&inner, f),
                Err(_) => f(e),
            }
        }
        _ => f(e),
    }
}

/// `Box::pin`, `Pin::new`, `Box::new`, `pin::pin`.
fn is_pin_fn(func: &Expr) -> bool {
    let Expr::Path(p) = func else { return false };
    match crate::syntax::segment_names(&p.path).as_slice() {
        [.., a, b] => matches!(
            (a.as_str(), b.as_str()),
            ("Box", "pin") | ("Pin", "new") | ("Box", "new") | ("pin", "pin")
        ),
        _ => false,
    }
}

/// The initializer of the last `let name = ..` among `stmts`.
pub(crate) fn bound_in<'a>(stmts: &'a [Stmt], name: &str) -> Option<&'a Expr> {
    stmts.iter().rev().find_map(|s| {
        let Stmt::Local(l) = s else { return None };
        let init = l.init.as_ref()?;
        super::vars::pat_bindings(&l.pat)
            .contains(name)
            .then_some(&*init.expr)
    })
}

/// Whether every branch of a `select!` other than `arms[this]` leaves the loop when it
/// wins: then no rival's win comes round to create `arms[this]`'s future again.
pub(crate) fn rivals_leave(arms: &[SelectArm], this: usize) -> bool {
    arms.iter()
        .enumerate()
        .filter(|(j, a)| *j != this && a.future.is_some())
        .all(|(_, a)| always_leaves(&a.handler))
}

/// Whether a handler leaves the loop on every path: it is, or ends in, a `break`, a
/// `return` or a panic, or it is an `if`/`else` or a `match` all of whose branches do.
/// (`match msg { Some(m) => m, None => break }` leaves only sometimes.)
fn always_leaves(e: &Expr) -> bool {
    match e {
        Expr::Break(_) | Expr::Return(_) => true,
        Expr::Paren(p) => always_leaves(&p.expr),
        Expr::Block(b) => block_leaves(&b.block),
        Expr::Unsafe(u) => block_leaves(&u.block),
        Expr::If(i) => {
            block_leaves(&i.then_branch)
                && i.else_branch
                    .as_ref()
                    .is_some_and(|(_, e)| always_leaves(e))
        }
        Expr::Match(m) => !m.arms.is_empty() && m.arms.iter().all(|a| always_leaves(&a.body)),
        Expr::Macro(m) => is_panic(&m.mac),
        _ => false,
    }
}

/// Whether a block reaches a statement that always leaves the loop.
fn block_leaves(b: &Block) -> bool {
    b.stmts.iter().any(|s| match s {
        Stmt::Expr(e, _) => always_leaves(e),
        Stmt::Macro(m) => is_panic(&m.mac),
        _ => false,
    })
}

fn is_panic(mac: &syn::Macro) -> bool {
    mac.path.segments.last().is_some_and(|s| {
        matches!(
            s.ident.to_string().as_str(),
            "panic" | "unreachable" | "todo" | "unimplemented" | "bail"
        )
    })
}

/// Whether a branch's handler can leave the loop (`break`, `return`, a panic): the
/// timer is then an idle timeout, meant to restart on activity.
pub(crate) fn leaves_loop(handler: &Expr) -> bool {
    exits(handler, Exit::Leave)
}

/// Whether a handler can `continue` the loop around the `select!`.
pub(crate) fn continues(handler: &Expr) -> bool {
    exits(handler, Exit::Continue)
}

/// The way out of the loop around the `select!` that [`exits`] looks for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Exit {
    /// `break` (of that loop), `return`, a panic.
    Leave,
    /// `continue` (of that loop).
    Continue,
}

/// Whether `handler` takes the way out `want` of the loop around the `select!`: a
/// `break`/`continue` counts when it is not inside a loop of the handler's own, or when
/// it names a label; closures, async blocks and items are other bodies.
fn exits(handler: &Expr, want: Exit) -> bool {
    struct Exits {
        want: Exit,
        loops: usize,
        found: bool,
    }
    impl Exits {
        fn of_outer_loop(&self, label: &Option<syn::Lifetime>) -> bool {
            self.loops == 0 || label.is_some()
        }
    }
    impl<'ast> Visit<'ast> for Exits {
        fn visit_item(&mut self, _: &'ast syn::Item) {}
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
        fn visit_expr_return(&mut self, r: &'ast syn::ExprReturn) {
            self.found |= self.want == Exit::Leave;
            visit::visit_expr_return(self, r);
        }
        fn visit_expr_break(&mut self, b: &'ast syn::ExprBreak) {
            self.found |= self.want == Exit::Leave && self.of_outer_loop(&b.label);
            visit::visit_expr_break(self, b);
        }
        fn visit_expr_continue(&mut self, c: &'ast syn::ExprContinue) {
            self.found |= self.want == Exit::Continue && self.of_outer_loop(&c.label);
        }
        fn visit_expr_loop(&mut self, l: &'ast syn::ExprLoop) {
            self.loops += 1;
            visit::visit_expr_loop(self, l);
            self.loops -= 1;
        }
        fn visit_expr_while(&mut self, l: &'ast syn::ExprWhile) {
            self.loops += 1;
            visit::visit_expr_while(self, l);
            self.loops -= 1;
        }
        fn visit_expr_for_loop(&mut self, l: &'ast syn::ExprForLoop) {
            self.loops += 1;
            visit::visit_expr_for_loop(self, l);
            self.loops -= 1;
        }
        fn visit_macro(&mut self, m: &'ast syn::Macro) {
            self.found |= match self.want {
                Exit::Leave => {
                    is_panic(m)
                        || tokens_mention(&m.tokens, "return")
                        || tokens_mention(&m.tokens, "break")
                }
                Exit::Continue => tokens_mention(&m.tokens, "continue"),
            };
        }
    }
    let mut v = Exits {
        want,
        loops: 0,
        found: false,
    };
    v.visit_expr(handler);
    v.found
}
