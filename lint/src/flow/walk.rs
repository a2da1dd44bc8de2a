//! Walking one async body without leaving its async context.
//!
//! The engine hands the flow rules one async body at a time (an async fn's body, an async
//! block, an async closure's body). Inside it, closures and async blocks run at another
//! time (or, for offload closures, on another thread) and nested items are other
//! functions: their awaits, loops and locks are not this body's. [`SameContext`] visits
//! the blocks, loops and expressions of the body itself and stops at those boundaries;
//! nested async blocks and async closures reach the rules as bodies of their own.

use syn::visit::{self, Visit};
use syn::{Block, Expr};

/// Callbacks for the nodes of one async body.
pub(crate) trait BodyVisitor<'ast> {
    /// Every block of the body (the body itself first), before its contents.
    fn block(&mut self, _block: &'ast Block) {}
    /// Every expression of the body, before its sub-expressions.
    fn expr(&mut self, _expr: &'ast Expr) {}
}

/// Runs `v` over `body` without entering closures, async blocks or nested items.
pub(crate) fn walk_body<'ast>(body: &'ast Block, v: &mut impl BodyVisitor<'ast>) {
    let mut w = SameContext { v };
    w.visit_block(body);
}

/// Runs `v` over an expression body (an async closure's `async || expr`).
pub(crate) fn walk_expr<'ast>(body: &'ast Expr, v: &mut impl BodyVisitor<'ast>) {
    let mut w = SameContext { v };
    w.visit_expr(body);
}

struct SameContext<'v, V> {
    v: &'v mut V,
}

impl<'ast, V: BodyVisitor<'ast>> Visit<'ast> for SameContext<'_, V> {
    fn visit_item(&mut self, _: &'ast syn::Item) {}
    fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
    fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
    fn visit_block(&mut self, b: &'ast Block) {
        self.v.block(b);
        visit::visit_block(self, b);
    }
    fn visit_expr(&mut self, e: &'ast Expr) {
        self.v.expr(e);
        visit::visit_expr(self, e);
    }
}

/// Whether an expression or block awaits anywhere in the same context, counting macro
/// calls that await implicitly (`select!`, `join!`) or contain `.await` in their tokens.
pub(crate) fn awaits_in(e: &Expr) -> bool {
    struct Finder(bool);
    impl<'ast> Visit<'ast> for Finder {
        fn visit_item(&mut self, _: &'ast syn::Item) {}
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
        fn visit_expr_await(&mut self, _: &'ast syn::ExprAwait) {
            self.0 = true;
        }
        fn visit_macro(&mut self, m: &'ast syn::Macro) {
            let last = m
                .path
                .segments
                .last()
                .map(|s| s.ident.to_string())
                .unwrap_or_default();
            if matches!(
                last.as_str(),
                "select" | "select_biased" | "join" | "try_join" | "pending"
            ) || tokens_mention(&m.tokens, "await")
            {
                self.0 = true;
            }
        }
    }
    let mut f = Finder(false);
    f.visit_expr(e);
    f.0
}

/// Whether a token stream contains the identifier `word` at any depth.
pub(crate) fn tokens_mention(tokens: &proc_macro2::TokenStream, word: &str) -> bool {
    tokens.clone().into_iter().any(|tt| match tt {
        proc_macro2::TokenTree::Ident(i) => i == word,
        proc_macro2::TokenTree::Group(g) => tokens_mention(&g.stream(), word),
        _ => false,
    })
}

/// Strips parentheses and invisible groups.
pub(crate) fn strip(e: &Expr) -> &Expr {
    match e {
        Expr::Paren(p) => strip(&p.expr),
        Expr::Group(g) => strip(&g.expr),
        _ => e,
    }
}

/// Strips the result-handling suffixes that keep an awaited value: `?`, `.unwrap()`,
/// `.expect(..)`, `.map_err(..)`, `.context(..)`, `.ok()`, ... Returns the inner
/// expression (for `f().await?` that is `f().await`).
pub(crate) fn strip_result_suffixes(e: &Expr) -> &Expr {
    match strip(e) {
        Expr::Try(t) => strip_result_suffixes(&t.expr),
        Expr::MethodCall(m)
            if matches!(
                m.method.to_string().as_str(),
                "unwrap"
                    | "expect"
                    | "map_err"
                    | "context"
                    | "with_context"
                    | "wrap_err"
                    | "ok"
                    | "unwrap_or"
                    | "unwrap_or_else"
                    | "unwrap_or_default"
                    | "err_into"
            ) =>
        {
            strip_result_suffixes(&m.receiver)
        }
        other => other,
    }
}
