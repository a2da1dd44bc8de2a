//! Finding the syntax under a finding's span: the expression whose byte range is exactly
//! the span, whether it sits directly in async context (the innermost fn, closure or
//! block around it is async, so `.await` is allowed there), and the statement it makes up.
//!
//! Macro bodies are token streams here: a finding inside a macro call has no expression
//! to find, so it gets no fix.

use syn::visit::{self, Visit};
use syn::{Block, Expr, Stmt};

use super::cx::FixCx;
use crate::diagnostic::Span;

/// The expression under a span and where it sits.
pub(crate) struct Found<'a> {
    pub(crate) expr: &'a Expr,
    /// `.await` is allowed here: the innermost fn, closure or block is async.
    pub(crate) in_async: bool,
    /// The block and index of the statement whose whole expression, or whose `let`
    /// initialiser, is `expr`.
    pub(crate) stmt: Option<(&'a Block, usize)>,
}

impl<'a> Found<'a> {
    /// The statement `expr` makes up, if any.
    pub(crate) fn statement(&self) -> Option<&'a Stmt> {
        self.stmt.map(|(b, i)| &b.stmts[i])
    }
}

/// The expression whose range is exactly `span`.
pub(crate) fn expr_at<'a>(cx: &FixCx<'a>, span: Span) -> Option<Found<'a>> {
    let target = (span.byte_start, span.byte_end);
    find(cx, target, &|_, range| range == target)
}

/// The `for` loop that starts where `span` starts (a loop's header, as
/// `sequential_await_in_loop` points at it).
pub(crate) fn for_loop_at<'a>(cx: &FixCx<'a>, span: Span) -> Option<Found<'a>> {
    let at = span.byte_start;
    find(cx, (at, at), &|e, range| {
        range.0 == at && matches!(e, Expr::ForLoop(_))
    })
}

fn find<'a>(
    cx: &FixCx<'a>,
    target: (usize, usize),
    wanted: &dyn Fn(&Expr, (usize, usize)) -> bool,
) -> Option<Found<'a>> {
    let mut f = Finder {
        cx,
        target,
        wanted,
        asyncs: Vec::new(),
        stmt: None,
        found: None,
    };
    f.visit_file(cx.file);
    f.found
}

struct Finder<'c, 'a> {
    cx: &'c FixCx<'a>,
    /// The walk goes only into nodes whose range contains this one.
    target: (usize, usize),
    wanted: &'c dyn Fn(&Expr, (usize, usize)) -> bool,
    /// One entry per fn, closure or async block being walked: whether it is async.
    asyncs: Vec<bool>,
    /// The statement being walked.
    stmt: Option<(&'a Block, usize)>,
    found: Option<Found<'a>>,
}

impl<'a> Finder<'_, 'a> {
    /// Whether the node's range contains the target (so the walk goes into it).
    fn contains(&self, node: &impl syn::spanned::Spanned) -> bool {
        let (s, e) = self.cx.range(node);
        s <= self.target.0 && self.target.1 <= e
    }

    fn scoped(&mut self, is_async: bool, walk: impl FnOnce(&mut Self)) {
        self.asyncs.push(is_async);
        walk(self);
        self.asyncs.pop();
    }
}

impl<'a> Visit<'a> for Finder<'_, 'a> {
    fn visit_item(&mut self, i: &'a syn::Item) {
        if self.found.is_none() && self.contains(i) {
            visit::visit_item(self, i);
        }
    }

    fn visit_impl_item(&mut self, i: &'a syn::ImplItem) {
        if self.found.is_none() && self.contains(i) {
            visit::visit_impl_item(self, i);
        }
    }

    fn visit_trait_item(&mut self, i: &'a syn::TraitItem) {
        if self.found.is_none() && self.contains(i) {
            visit::visit_trait_item(self, i);
        }
    }

    fn visit_item_fn(&mut self, i: &'a syn::ItemFn) {
        self.scoped(i.sig.asyncness.is_some(), |s| visit::visit_item_fn(s, i));
    }

    fn visit_impl_item_fn(&mut self, i: &'a syn::ImplItemFn) {
        self.scoped(i.sig.asyncness.is_some(), |s| {
            visit::visit_impl_item_fn(s, i);
        });
    }

    fn visit_trait_item_fn(&mut self, i: &'a syn::TraitItemFn) {
        self.scoped(i.sig.asyncness.is_some(), |s| {
            visit::visit_trait_item_fn(s, i);
        });
    }

    fn visit_item_const(&mut self, i: &'a syn::ItemConst) {
        self.scoped(false, |s| visit::visit_item_const(s, i));
    }

    fn visit_item_static(&mut self, i: &'a syn::ItemStatic) {
        self.scoped(false, |s| visit::visit_item_static(s, i));
    }

    fn visit_block(&mut self, b: &'a Block) {
        let outer = self.stmt;
        for (i, stmt) in b.stmts.iter().enumerate() {
            if self.found.is_some() {
                break;
            }
            self.stmt = Some((b, i));
            self.visit_stmt(stmt);
        }
        self.stmt = outer;
    }

    fn visit_expr(&mut self, e: &'a Expr) {
        if self.found.is_some() {
            return;
        }
        let range = self.cx.range(e);
        if (self.wanted)(e, range) {
            let whole = self.stmt.filter(|&(b, i)| match &b.stmts[i] {
                Stmt::Expr(x, _) => std::ptr::eq(x, e),
                Stmt::Local(l) => l.init.as_ref().is_some_and(|i| std::ptr::eq(&*i.expr, e)),
                _ => false,
            });
            self.found = Some(Found {
                expr: e,
                in_async: self.asyncs.last() == Some(&true),
                stmt: whole,
            });
            return;
        }
        if range.0 > self.target.0 || range.1 < self.target.1 {
            return;
        }
        match e {
            Expr::Closure(c) => {
                let is_async = c.asyncness.is_some();
                self.scoped(is_async, |s| visit::visit_expr_closure(s, c));
            }
            Expr::Async(a) => self.scoped(true, |s| visit::visit_expr_async(s, a)),
            _ => visit::visit_expr(self, e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::LineCol;
    use crate::fix::cx::with_cx;

    /// The span of the first `needle` in `text`.
    fn span_of(text: &str, needle: &str) -> Span {
        let at = text.find(needle).unwrap();
        let pos = LineCol { line: 1, column: 1 };
        Span {
            byte_start: at,
            byte_end: at + needle.len(),
            start: pos,
            end: pos,
        }
    }

    /// What `found` says: the expression's text, whether it is in async context, and
    /// the index of the statement it makes up.
    fn described(
        cx: &FixCx<'_>,
        found: Option<Found<'_>>,
    ) -> Option<(String, bool, Option<usize>)> {
        found.map(|f| {
            (
                cx.snippet(f.expr).to_string(),
                f.in_async,
                f.stmt.map(|s| s.1),
            )
        })
    }

    fn find(text: &str, needle: &str) -> Option<(String, bool, Option<usize>)> {
        with_cx(text, |cx| described(cx, expr_at(cx, span_of(text, needle))))
    }

    fn find_loop(text: &str, needle: &str) -> Option<(String, bool, Option<usize>)> {
        with_cx(text, |cx| {
            described(cx, for_loop_at(cx, span_of(text, needle)))
        })
    }

    #[test]
    fn finds_the_exact_expression_and_its_context() {
        let text = "fn s() { g(1); }\nasync fn a() { let x = 1; f(2); let _ = h(3); let c = || k(4); async { m(5) }; }";
        assert_eq!(find(text, "g(1)"), Some(("g(1)".into(), false, Some(0))));
        assert_eq!(find(text, "f(2)"), Some(("f(2)".into(), true, Some(1))));
        assert_eq!(find(text, "h(3)"), Some(("h(3)".into(), true, Some(2))));
        // In a sync closure: no `.await` there; not a whole statement.
        assert_eq!(find(text, "k(4)"), Some(("k(4)".into(), false, None)));
        // In an async block, its tail.
        assert_eq!(find(text, "m(5)"), Some(("m(5)".into(), true, Some(0))));
        // Not an expression's exact range.
        assert_eq!(find(text, "(2)"), None);
    }

    #[test]
    fn methods_of_impls_and_traits_are_walked() {
        let text = "impl S { async fn a(&self) { f(1); } fn b(&self) { f(2); } }\ntrait T { async fn c(&self) { f(3); } }";
        assert_eq!(find(text, "f(1)").map(|f| f.1), Some(true));
        assert_eq!(find(text, "f(2)").map(|f| f.1), Some(false));
        assert_eq!(find(text, "f(3)").map(|f| f.1), Some(true));
    }

    #[test]
    fn consts_and_statics_are_sync() {
        let text = "async fn a() { const C: u8 = f(1); static S: u8 = f(2); }";
        assert_eq!(find(text, "f(1)").map(|f| f.1), Some(false));
        assert_eq!(find(text, "f(2)").map(|f| f.1), Some(false));
    }

    /// An expression inside a larger one that starts or ends where it does is still
    /// found, and is not the statement.
    #[test]
    fn expressions_sharing_an_end_with_their_parent_are_found() {
        let text =
            "async fn a() -> Option<u8> { g(f(1)?); let y = 1 + f(2); h(&f(3)); f(4).await; None }";
        assert_eq!(find(text, "f(1)"), Some(("f(1)".into(), true, None)));
        assert_eq!(find(text, "f(2)"), Some(("f(2)".into(), true, None)));
        assert_eq!(find(text, "f(3)"), Some(("f(3)".into(), true, None)));
        assert_eq!(find(text, "f(4)"), Some(("f(4)".into(), true, None)));
        assert_eq!(
            find(text, "f(4).await"),
            Some(("f(4).await".into(), true, Some(3)))
        );
        assert_eq!(
            find(text, "1 + f(2)"),
            Some(("1 + f(2)".into(), true, Some(1)))
        );
    }

    /// An async block makes async context even inside a sync fn.
    #[test]
    fn an_async_block_in_a_sync_fn_is_async() {
        let text = "fn s() { let _ = async { m(6) }; n(7); }";
        assert_eq!(find(text, "m(6)"), Some(("m(6)".into(), true, Some(0))));
        assert_eq!(find(text, "n(7)"), Some(("n(7)".into(), false, Some(1))));
    }

    /// A loop is found by where its header starts: the inner one of two nested loops,
    /// never the outer one around it nor another expression starting there.
    #[test]
    fn loops_are_found_by_their_start() {
        let text = "async fn a(g: Vec<Vec<u8>>) { for xs in g { for x in xs { f(x).await; } } }";
        assert_eq!(
            find_loop(text, "for x in xs"),
            Some(("for x in xs { f(x).await; }".into(), true, Some(0)))
        );
        assert_eq!(
            find_loop(text, "for xs"),
            Some((
                "for xs in g { for x in xs { f(x).await; } }".into(),
                true,
                Some(0)
            ))
        );
        // `f(x).await` starts there, but it is no loop.
        assert_eq!(find_loop(text, "f(x)"), None);
    }
}
