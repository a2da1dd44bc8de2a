//! `select_timeout_reset`: a `tokio::time::sleep(d)` written in a `tokio::select!` branch
//! inside a loop is created once before the loop, pinned, polled by `&mut`, and re-armed
//! first thing in its branch's handler:
//!
//! ```text
//! let timer = tokio::time::sleep(d);
//! tokio::pin!(timer);
//! loop {
//!     tokio::select! {
//!         _ = &mut timer => { timer.as_mut().reset(tokio::time::Instant::now() + d); work }
//!         ..
//!     }
//! }
//! ```
//!
//! The re-arm is needed: a tokio `Sleep` that has fired is ready again at once, so without
//! it the branch would win every later iteration. It comes first in the handler so that a
//! `continue` in the handler cannot skip it (the rule reports no handler that leaves the
//! loop).
//!
//! Unsafe: the delay now counts from the fire (or from before the loop), not from each
//! iteration, and `d` is evaluated before the loop and again at each fire. Offered only
//! for tokio (with its `time` feature), a `select!` that is tokio's (`tokio::select!` or
//! a bare `select!`: futures' would not take an unfused `Sleep`), a branch whose future
//! is the call itself, a loop that is a whole statement, and a `d` free of awaits, macros,
//! blocks and closures that uses no name bound or assigned inside the loop, in a loop that
//! holds no other loop. The timer
//! bound beforehand in the iteration (`let t = sleep(d); tokio::pin!(t);`) and the other
//! runtimes get only the help.

use std::collections::HashSet;

use syn::visit::{self, Visit};
use syn::{Expr, Stmt};

use super::cx::FixCx;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Suggestion};
use crate::macros::{self, Body};
use crate::options::Runtime;
use crate::syntax::is_assign;

pub(crate) fn fix(cx: &FixCx<'_>, d: &Diagnostic) -> Option<Suggestion> {
    if cx.runtime != Runtime::Tokio || !cx.features.tokio_time {
        return None;
    }
    let target = (d.primary.span.byte_start, d.primary.span.byte_end);
    let site = site_of(cx, target)?;
    let (mac, stmt) = (site.select?, site.loop_stmt?);
    let Body::Select(arms) = macros::parse(mac) else {
        return None;
    };
    let arm = arms
        .iter()
        .find(|a| a.future.as_ref().is_some_and(|f| cx.range(f) == target))?;
    let Some(Expr::Call(call)) = &arm.future else {
        return None;
    };
    let Expr::Path(func) = &*call.func else {
        return None;
    };
    let segs: Vec<String> = func
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    let is_tokio_sleep = matches!(
        segs.iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .as_slice(),
        ["sleep"] | ["time", "sleep"] | ["tokio", "time", "sleep"]
    );
    if !is_tokio_sleep || call.args.len() != 1 || func.qself.is_some() {
        return None;
    }
    let delay = &call.args[0];
    let lp = site.loop_expr?;
    if !plain(delay) || loop_touches(lp, &arms, &idents(delay)) || holds_loop(lp, &arms) {
        return None;
    }
    let delay = cx.snippet(delay);
    let name = fresh_name(cx)?;

    let (stmt_start, _) = cx.range(stmt);
    let line_start = cx.text[..stmt_start].rfind('\n').map_or(0, |i| i + 1);
    let indent = &cx.text[line_start..stmt_start];
    let sep = if indent.trim().is_empty() {
        format!("\n{indent}")
    } else {
        " ".to_string()
    };
    let hoist = format!("let {name} = tokio::time::sleep({delay});{sep}tokio::pin!({name});{sep}");
    let rearm = format!("{name}.as_mut().reset(tokio::time::Instant::now() + {delay});");
    let handler = match &arm.handler {
        // A label or attributes on the block do not matter: the re-arm goes inside.
        Expr::Block(b) => {
            let (open, _) = cx.range(&b.block.brace_token.span.open());
            let inside = match b.block.stmts.first() {
                Some(first) => {
                    let (s, _) = cx.range(first);
                    let ls = cx.text[..s].rfind('\n').map_or(0, |i| i + 1);
                    let ind = &cx.text[ls..s];
                    // Only blanks before the statement: it starts a line after the `{`.
                    if ind.trim().is_empty() {
                        format!("\n{ind}{rearm}")
                    } else {
                        format!(" {rearm}")
                    }
                }
                None => format!(" {rearm}"),
            };
            // Inserted right after the `{`.
            let at = open + 1;
            Edit {
                span: cx.span(at, at),
                replacement: inside,
            }
        }
        other => {
            let (s, e) = cx.range(other);
            Edit {
                span: cx.span(s, e),
                replacement: format!("{{ {rearm} {} }}", cx.snippet(other)),
            }
        }
    };
    let mut s = cx.replace(
        target,
        format!("&mut {name}"),
        Applicability::MaybeIncorrect,
    );
    s.more = vec![
        Edit {
            span: cx.span(stmt_start, stmt_start),
            replacement: hoist,
        },
        handler,
    ];
    Some(s)
}

/// Where a finding in a `select!` sits: the innermost `select!` macro around it, the
/// innermost loop around that, and the statement that loop is (if it is a whole one).
struct Site<'a> {
    select: Option<&'a syn::Macro>,
    loop_expr: Option<&'a Expr>,
    loop_stmt: Option<&'a Stmt>,
}

fn site_of<'a>(cx: &FixCx<'a>, target: (usize, usize)) -> Option<Site<'a>> {
    struct V<'c, 'a> {
        cx: &'c FixCx<'a>,
        target: (usize, usize),
        stmt: Option<&'a Stmt>,
        site: Site<'a>,
    }
    impl<'a> V<'_, 'a> {
        fn contains(&self, node: &impl syn::spanned::Spanned) -> bool {
            let (s, e) = self.cx.range(node);
            s <= self.target.0 && self.target.1 <= e
        }
    }
    impl<'a> Visit<'a> for V<'_, 'a> {
        fn visit_item(&mut self, i: &'a syn::Item) {
            if self.contains(i) {
                visit::visit_item(self, i);
            }
        }
        fn visit_impl_item(&mut self, i: &'a syn::ImplItem) {
            if self.contains(i) {
                visit::visit_impl_item(self, i);
            }
        }
        fn visit_stmt(&mut self, s: &'a Stmt) {
            if self.contains(s) {
                let outer = self.stmt.replace(s);
                visit::visit_stmt(self, s);
                self.stmt = outer;
            }
        }
        fn visit_expr(&mut self, e: &'a Expr) {
            if !self.contains(e) {
                return;
            }
            if matches!(e, Expr::Loop(_) | Expr::While(_) | Expr::ForLoop(_)) {
                let whole = self.stmt.filter(|s| match s {
                    Stmt::Expr(x, _) => std::ptr::eq(x, e),
                    Stmt::Local(l) => l.init.as_ref().is_some_and(|i| std::ptr::eq(&*i.expr, e)),
                    _ => false,
                });
                self.site.loop_expr = Some(e);
                self.site.loop_stmt = whole;
                self.site.select = None;
            }
            visit::visit_expr(self, e);
        }
        fn visit_macro(&mut self, m: &'a syn::Macro) {
            let path: Vec<String> = m
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            let tokio_select = matches!(
                path.iter()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .as_slice(),
                ["select"] | ["tokio", "select"]
            );
            if tokio_select && m.path.leading_colon.is_none() && self.contains(m) {
                self.site.select = Some(m);
            }
        }
    }
    let mut v = V {
        cx,
        target,
        stmt: None,
        site: Site {
            select: None,
            loop_expr: None,
            loop_stmt: None,
        },
    };
    v.visit_file(cx.file);
    Some(v.site)
}

/// Whether `e` can be evaluated before the loop and again later with the same meaning as
/// far as its syntax tells: no await, macro, block, closure, assignment or `?`.
fn plain(e: &Expr) -> bool {
    struct V(bool);
    impl Visit<'_> for V {
        fn visit_expr(&mut self, e: &Expr) {
            match e {
                Expr::Lit(_)
                | Expr::Path(_)
                | Expr::Field(_)
                | Expr::Call(_)
                | Expr::MethodCall(_)
                | Expr::Paren(_)
                | Expr::Unary(_)
                | Expr::Cast(_) => visit::visit_expr(self, e),
                Expr::Binary(b) if !is_assign(&b.op) => visit::visit_expr(self, e),
                _ => self.0 = false,
            }
        }
    }
    let mut v = V(true);
    v.visit_expr(e);
    v.0
}

/// The identifiers of an expression's paths (single-segment ones: locals).
fn idents(e: &Expr) -> HashSet<String> {
    struct V(HashSet<String>);
    impl Visit<'_> for V {
        fn visit_expr_path(&mut self, p: &syn::ExprPath) {
            if let Some(i) = p.path.get_ident() {
                self.0.insert(i.to_string());
            }
        }
    }
    let mut v = V(HashSet::new());
    v.visit_expr(e);
    v.0
}

/// Whether the loop binds (a pattern), assigns or borrows mutably one of `names`,
/// in its own syntax or in the `select!` arms' guards and handlers.
fn loop_touches(lp: &Expr, arms: &[macros::SelectArm], names: &HashSet<String>) -> bool {
    struct V<'n> {
        names: &'n HashSet<String>,
        found: bool,
    }
    impl V<'_> {
        fn place(&mut self, e: &Expr) {
            let mut e = e;
            loop {
                match e {
                    Expr::Field(f) => e = &f.base,
                    Expr::Index(i) => e = &i.expr,
                    Expr::Paren(p) => e = &p.expr,
                    Expr::Unary(u) => e = &u.expr,
                    Expr::Path(p) => {
                        if p.path
                            .get_ident()
                            .is_some_and(|i| self.names.contains(&i.to_string()))
                        {
                            self.found = true;
                        }
                        return;
                    }
                    _ => return,
                }
            }
        }
    }
    impl Visit<'_> for V<'_> {
        fn visit_pat_ident(&mut self, p: &syn::PatIdent) {
            if self.names.contains(&p.ident.to_string()) {
                self.found = true;
            }
            visit::visit_pat_ident(self, p);
        }
        fn visit_expr_assign(&mut self, a: &syn::ExprAssign) {
            self.place(&a.left);
            visit::visit_expr_assign(self, a);
        }
        fn visit_expr_binary(&mut self, b: &syn::ExprBinary) {
            if is_assign(&b.op) {
                self.place(&b.left);
            }
            visit::visit_expr_binary(self, b);
        }
        fn visit_expr_reference(&mut self, r: &syn::ExprReference) {
            if r.mutability.is_some() {
                self.place(&r.expr);
            }
            visit::visit_expr_reference(self, r);
        }
    }
    let mut v = V {
        names,
        found: false,
    };
    v.visit_expr(lp);
    for arm in arms {
        if let Some(g) = &arm.guard {
            v.visit_expr(g);
        }
        v.visit_expr(&arm.handler);
    }
    v.found
}

/// Whether the loop holds another loop (in its body or a handler): two timers hoisted in
/// the same pass would then both be named `timer`, the inner one shadowing the outer.
fn holds_loop(lp: &Expr, arms: &[macros::SelectArm]) -> bool {
    struct V(bool);
    impl Visit<'_> for V {
        fn visit_expr(&mut self, e: &Expr) {
            self.0 |= matches!(e, Expr::Loop(_) | Expr::While(_) | Expr::ForLoop(_));
            visit::visit_expr(self, e);
        }
    }
    let mut v = V(false);
    match lp {
        Expr::Loop(l) => v.visit_block(&l.body),
        Expr::While(w) => v.visit_block(&w.body),
        Expr::ForLoop(f) => v.visit_block(&f.body),
        _ => return true,
    }
    for arm in arms {
        v.visit_expr(&arm.handler);
    }
    v.0
}

/// A name for the hoisted timer that no identifier of the file uses: `timer`, `timer2`, ..
fn fresh_name(cx: &FixCx<'_>) -> Option<String> {
    fn collect(ts: proc_macro2::TokenStream, out: &mut HashSet<String>) {
        for t in ts {
            match t {
                proc_macro2::TokenTree::Ident(i) => {
                    out.insert(i.to_string());
                }
                proc_macro2::TokenTree::Group(g) => collect(g.stream(), out),
                _ => {}
            }
        }
    }
    let ts: proc_macro2::TokenStream = cx.text[cx.base..].parse().ok()?;
    let mut used = HashSet::new();
    collect(ts, &mut used);
    std::iter::once("timer".to_string())
        .chain((2..).map(|n| format!("timer{n}")))
        .find(|n| !used.contains(n))
}
