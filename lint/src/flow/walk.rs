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

/// One async body found by [`for_each_async_body`].
pub(crate) struct AsyncBody<'ast> {
    /// The body.
    pub(crate) block: &'ast Block,
    /// Inside test code: a `#[test]`-like fn (`#[tokio::test]`, `#[async_std::test]`, ...)
    /// or an item under `#[cfg(test)]`.
    pub(crate) test: bool,
    /// Names that hold a `&mut` reference: parameters of the enclosing fn typed `&mut T`
    /// and `let x = &mut ..` bindings of the body. Passing one on reborrows it mutably.
    pub(crate) mut_refs: super::vars::Names,
}

/// Calls `f` for every async body of `file` (async fns and methods, `#[aio::coroutine]`
/// fns, async blocks, async closures with a block body), telling whether it is test code.
/// Each body is reported once; the checks given to it do not enter nested async blocks,
/// which are reported on their own.
pub(crate) fn for_each_async_body<'ast>(
    file: &'ast syn::File,
    f: &mut dyn FnMut(&AsyncBody<'ast>),
) {
    let mut w = Bodies {
        f,
        test: false,
        mut_params: Vec::new(),
    };
    w.visit_file(file);
}

struct Bodies<'f, 'ast> {
    f: &'f mut dyn FnMut(&AsyncBody<'ast>),
    test: bool,
    /// `&mut` parameters of the enclosing fns, innermost last.
    mut_params: Vec<super::vars::Names>,
}

impl<'ast> Bodies<'_, 'ast> {
    fn body(&mut self, block: &'ast Block) {
        let mut mut_refs = self.mut_params.last().cloned().unwrap_or_default();
        for stmt in &block.stmts {
            if let syn::Stmt::Local(l) = stmt
                && let Some(init) = &l.init
                && matches!(strip(&init.expr), Expr::Reference(r) if r.mutability.is_some())
            {
                mut_refs.extend(super::vars::pat_bindings(&l.pat));
            }
        }
        (self.f)(&AsyncBody {
            block,
            test: self.test,
            mut_refs,
        });
    }

    fn item(&mut self, attrs: &[syn::Attribute], visit: impl FnOnce(&mut Self)) {
        let saved = self.test;
        self.test |= attrs.iter().any(is_test_attr);
        visit(self);
        self.test = saved;
    }

    fn fn_like(
        &mut self,
        attrs: &'ast [syn::Attribute],
        sig: &'ast syn::Signature,
        block: &'ast Block,
    ) {
        let saved = self.test;
        self.test |= attrs.iter().any(is_test_attr);
        let mut params = super::vars::Names::new();
        for input in &sig.inputs {
            match input {
                syn::FnArg::Typed(t) if matches!(&*t.ty, syn::Type::Reference(r) if r.mutability.is_some()) =>
                {
                    params.extend(super::vars::pat_bindings(&t.pat));
                }
                syn::FnArg::Receiver(r)
                    if matches!(r.kind, syn::ReceiverKind::Reference(_, _, Some(_))) =>
                {
                    params.insert("self".into());
                }
                _ => {}
            }
        }
        self.mut_params.push(params);
        let is_async = sig.asyncness.is_some()
            || attrs.iter().any(|a| {
                a.path()
                    .segments
                    .last()
                    .is_some_and(|s| s.ident == "coroutine")
            });
        if is_async {
            self.body(block);
        }
        self.visit_block(block);
        self.mut_params.pop();
        self.test = saved;
    }
}

/// `#[test]`, `#[tokio::test]`, `#[wasm_bindgen_test]`, `#[test_case(..)]`, `#[bench]`,
/// `#[cfg(test)]`, `#[cfg(all(test, ..))]`, ...
fn is_test_attr(a: &syn::Attribute) -> bool {
    let Some(last) = a.path().segments.last() else {
        return false;
    };
    let name = last.ident.to_string();
    if name == "test"
        || name == "bench"
        || name == "rstest"
        || name.ends_with("_test")
        || name.starts_with("test_")
    {
        return true;
    }
    last.ident == "cfg"
        && matches!(&a.meta, syn::Meta::List(l) if tokens_mention(&l.tokens, "test") && !tokens_mention(&l.tokens, "not"))
}

impl<'ast> Visit<'ast> for Bodies<'_, 'ast> {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.fn_like(&f.attrs, &f.sig, &f.block);
    }
    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.fn_like(&f.attrs, &f.sig, &f.block);
    }
    fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
        if let Some(b) = &f.default {
            self.fn_like(&f.attrs, &f.sig, b);
        }
    }
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        self.item(&m.attrs, |s| visit::visit_item_mod(s, m));
    }
    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        self.item(&i.attrs, |s| visit::visit_item_impl(s, i));
    }
    fn visit_expr_async(&mut self, a: &'ast syn::ExprAsync) {
        self.body(&a.block);
        visit::visit_expr_async(self, a);
    }
    fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
        if c.asyncness.is_some()
            && let Expr::Block(b) = &*c.body
        {
            self.body(&b.block);
        }
        visit::visit_expr_closure(self, c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bodies(src: &str) -> Vec<(String, bool, Vec<String>)> {
        let file: syn::File = syn::parse_str(src).unwrap();
        let mut out = Vec::new();
        for_each_async_body(&file, &mut |b| {
            let first = b
                .block
                .stmts
                .first()
                .map(|s| quote::quote!(#s).to_string())
                .unwrap_or_default();
            out.push((first, b.test, b.mut_refs.iter().cloned().collect()));
        });
        out
    }

    #[test]
    fn finds_async_bodies_and_test_code() {
        let found = bodies(
            r#"
            async fn app(conn: &mut Conn, n: &u32) { a(); let r = &mut x; let f = async { b(); }; }
            #[tokio::test] async fn t() { c(); }
            #[wasm_bindgen_test] async fn w() { w(); }
            #[cfg(test)] mod tests { async fn helper() { d(); } }
            #[cfg(not(test))] mod real { async fn e_() { e(); } }
            fn sync() { let g = async move || { g(); }; }
            "#,
        );
        let names: Vec<(&str, bool)> = found.iter().map(|(s, t, _)| (s.as_str(), *t)).collect();
        assert_eq!(
            names,
            vec![
                ("a () ;", false),
                ("b () ;", false),
                ("c () ;", true),
                ("w () ;", true),
                ("d () ;", true),
                ("e () ;", false),
                ("g () ;", false),
            ]
        );
        assert_eq!(
            found[0].2,
            vec!["conn".to_string(), "r".to_string()],
            "&mut params and lets"
        );
        assert_eq!(
            found[1].2,
            vec!["conn".to_string()],
            "an async block sees the fn's &mut params"
        );
    }

    #[test]
    fn same_context_stops_at_closures_async_blocks_and_items() {
        struct Count(usize);
        impl<'ast> BodyVisitor<'ast> for Count {
            fn expr(&mut self, e: &'ast Expr) {
                if matches!(e, Expr::Await(_)) {
                    self.0 += 1;
                }
            }
        }
        let b: Block = syn::parse_str("{ a.await; let c = || async { b.await }; let d = async { e.await }; fn f() {} g(h.await); }").unwrap();
        let mut n = Count(0);
        walk_body(&b, &mut n);
        assert_eq!(n.0, 2);
    }

    #[test]
    fn result_suffixes() {
        let e: Expr = syn::parse_str("f().await.map_err(E::from)?.unwrap()").unwrap();
        assert!(matches!(strip_result_suffixes(&e), Expr::Await(_)));
        let e: Expr = syn::parse_str("f().await.len()").unwrap();
        assert!(matches!(strip_result_suffixes(&e), Expr::MethodCall(_)));
    }
}
