//! Loops: the state a loop carries from one iteration to the next, the variables that
//! depend on the loop variable, and the exits (`break`, `return`) of a loop body.
//!
//! A loop whose awaited operation depends only on the loop variable could have run its
//! iterations concurrently; one whose operation reads a variable assigned in the loop
//! (a cursor, an accumulator, a retry counter) could not. This module answers those two
//! questions by name, within one loop body, in time linear in the body's size.

use syn::visit::{self, Visit};
use syn::{Block, Stmt};

use super::vars::{Effects, Names, pat_bindings};

/// Variables the loop body may change and that outlive one iteration: assigned,
/// borrowed mutably or used as a method receiver in the body, minus those the body
/// declares itself (fresh each iteration).
pub(crate) fn carried(body: &Block) -> Names {
    let fx = Effects::of_block(body);
    let declared = declared_at_top(body);
    fx.mutated()
        .into_iter()
        .filter(|n| !declared.contains(n))
        .collect()
}

/// Names declared by the body's own top-level `let` statements.
pub(crate) fn declared_at_top(body: &Block) -> Names {
    let mut out = Names::new();
    for stmt in &body.stmts {
        if let Stmt::Local(l) = stmt {
            out.extend(pat_bindings(&l.pat));
        }
    }
    out
}

/// Closes `seeds` over the body's top-level `let` statements: a variable bound from an
/// expression that reads a seed (directly or through another such variable) joins the
/// set. Statements are taken in order, which is the order data flows in one iteration.
pub(crate) fn derived(body: &Block, seeds: &Names) -> Names {
    let mut set = seeds.clone();
    for stmt in &body.stmts {
        if let Stmt::Local(l) = stmt
            && let Some(init) = &l.init
            && Effects::of_expr(&init.expr).reads_any(&set)
        {
            set.extend(pat_bindings(&l.pat));
        }
    }
    set
}

/// The variables that carry state across iterations of the loop with `body`, and those
/// computed from them in one iteration: an operation that reads one of these depends on
/// earlier iterations. `fresh` are bound anew by each iteration (the loop variables):
/// calling a method on one carries nothing. Computed once per loop.
pub(crate) fn carried_closure(body: &Block, fresh: &Names) -> Names {
    let mut carried = carried(body);
    carried.retain(|n| !fresh.contains(n));
    if carried.is_empty() {
        return carried;
    }
    derived(body, &carried)
}

/// Whether `expr` depends on state carried across iterations of the loop with `body`.
#[cfg(test)]
pub(crate) fn depends_on_carried(body: &Block, expr: &syn::Expr) -> bool {
    super::vars::intersects(
        &Effects::of_expr(expr).reads,
        &carried_closure(body, &Names::new()),
    )
}

/// Whether a loop body can leave the loop other than by finishing an iteration or
/// propagating an error with `?`: a `break` that targets this loop (unlabelled, outside
/// inner loops, or labelled with `label`) or a `return`. Closures, async blocks and
/// nested items are not entered: their exits are their own.
pub(crate) fn exits_early(body: &Block, label: Option<&syn::Lifetime>) -> bool {
    struct Exits<'l> {
        label: Option<&'l syn::Lifetime>,
        loop_depth: usize,
        found: bool,
    }
    impl<'ast> Visit<'ast> for Exits<'_> {
        fn visit_item(&mut self, _: &'ast syn::Item) {}
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
        fn visit_expr_return(&mut self, _: &'ast syn::ExprReturn) {
            self.found = true;
        }
        fn visit_expr_break(&mut self, b: &'ast syn::ExprBreak) {
            let targets_us = match (&b.label, self.label) {
                (None, _) => self.loop_depth == 0,
                (Some(l), Some(ours)) => l.ident == ours.ident,
                (Some(_), None) => false,
            };
            if targets_us {
                self.found = true;
            }
            visit::visit_expr_break(self, b);
        }
        fn visit_expr_for_loop(&mut self, l: &'ast syn::ExprForLoop) {
            self.visit_expr(&l.expr);
            self.loop_depth += 1;
            self.visit_block(&l.body);
            self.loop_depth -= 1;
        }
        fn visit_expr_while(&mut self, l: &'ast syn::ExprWhile) {
            self.visit_expr(&l.cond);
            self.loop_depth += 1;
            self.visit_block(&l.body);
            self.loop_depth -= 1;
        }
        fn visit_expr_loop(&mut self, l: &'ast syn::ExprLoop) {
            self.loop_depth += 1;
            self.visit_block(&l.body);
            self.loop_depth -= 1;
        }
        fn visit_macro(&mut self, m: &'ast syn::Macro) {
            // `return` or `break` hidden in a macro's tokens (e.g. inside `select!`).
            if tokens_contain_exit(&m.tokens) {
                self.found = true;
            }
        }
    }
    let mut v = Exits {
        label,
        loop_depth: 0,
        found: false,
    };
    v.visit_block(body);
    v.found
}

fn tokens_contain_exit(tokens: &proc_macro2::TokenStream) -> bool {
    tokens.clone().into_iter().any(|tt| match tt {
        proc_macro2::TokenTree::Ident(i) => i == "return" || i == "break",
        proc_macro2::TokenTree::Group(g) => tokens_contain_exit(&g.stream()),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::Expr;

    fn body(src: &str) -> Block {
        syn::parse_str(src).unwrap()
    }

    fn names(items: &[&str]) -> Names {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn carried_state_excludes_fresh_locals() {
        let b = body(
            "{ let mut req = build(u); req.header(1); cursor = fetch(u, cursor).await; out.push(1); }",
        );
        assert_eq!(carried(&b), names(&["cursor", "out"]));
    }

    #[test]
    fn dependency_through_a_derived_local() {
        let b = body("{ let page = cursor + 1; let r = fetch(page).await; cursor = r.next; }");
        let awaited: Expr = syn::parse_str("fetch(page)").unwrap();
        assert!(depends_on_carried(&b, &awaited));
        let b = body("{ let r = fetch(u).await; out.push(r); }");
        let awaited: Expr = syn::parse_str("fetch(u)").unwrap();
        assert!(!depends_on_carried(&b, &awaited));
    }

    #[test]
    fn loop_variable_derivation() {
        let b = body("{ let url = format!(\"{base}/{id}\"); let other = 3; get(url).await; }");
        let d = derived(&b, &names(&["id"]));
        assert!(d.contains("url") && !d.contains("other"));
    }

    #[test]
    fn exits() {
        assert!(exits_early(&body("{ if ok(f(x).await) { break; } }"), None));
        assert!(exits_early(&body("{ if ok { return x; } }"), None));
        assert!(!exits_early(
            &body("{ f(x).await?; for y in z { break; } }"),
            None
        ));
        assert!(!exits_early(&body("{ let c = || { return 1; }; }"), None));
        let outer: syn::Lifetime = syn::parse_str("'outer").unwrap();
        assert!(exits_early(
            &body("{ for y in z { break 'outer; } }"),
            Some(&outer)
        ));
        assert!(!exits_early(
            &body("{ 'inner: for y in z { break 'inner; } }"),
            Some(&outer)
        ));
        assert!(exits_early(
            &body("{ tokio::select! { _ = a => break, } }"),
            None
        ));
    }

    #[test]
    fn a_break_of_an_inner_loop_is_not_an_exit_and_the_loops_after_it_are_ours() {
        for inner in [
            "while c { break; }",
            "loop { break; }",
            "for y in z { break; }",
        ] {
            assert!(
                !exits_early(&body(&format!("{{ {inner} }}")), None),
                "{inner}"
            );
            assert!(
                exits_early(&body(&format!("{{ {inner} if d {{ break; }} }}")), None),
                "{inner}"
            );
        }
        assert!(exits_early(&body("{ while c { return; } }"), None));
        assert!(exits_early(&body("{ loop { return; } }"), None));
        assert!(exits_early(&body("{ for y in z { return; } }"), None));
        assert!(exits_early(
            &body("{ tokio::select! { _ = a => { return; } } }"),
            None
        ));
        assert!(!exits_early(
            &body("{ tokio::select! { _ = a => { go(); } } }"),
            None
        ));
    }
}
