//! Def/use sets: which variables a piece of code binds, reads, assigns, borrows mutably or
//! calls methods on.
//!
//! Variables are tracked by name only (no scopes, no types). Every approximation leans the
//! same way: reads and mutations are over-counted (an identifier inside a macro call is a
//! read; a method call on `x` may mutate `x` unless the method is a well-known read-only
//! one), so a rule that asks "is this independent?" errs towards "no". Nested items (`fn`
//! inside a body) are not entered: they cannot see the surrounding locals.

use std::collections::BTreeSet;
use std::fmt;

use proc_macro2::{TokenStream, TokenTree};
use syn::visit::{self, Visit};
use syn::{BinOp, Block, Expr, Member, Pat, Stmt, UnOp};

/// A set of variable names.
pub(crate) type Names = BTreeSet<String>;

/// What a piece of code does to variables.
#[derive(Clone, Debug, Default)]
pub(crate) struct Effects {
    /// Names bound by `let`, `match`/`if let` arms, closure parameters and `for` patterns.
    pub(crate) binds: Names,
    /// Names read anywhere (identifiers in macro calls and inline format arguments count).
    pub(crate) reads: Names,
    /// Roots of assignment targets: `x = ..`, `x.f += ..`, `x[i] = ..`.
    pub(crate) assigned: Names,
    /// Roots of `&mut x` and `&raw mut x`.
    pub(crate) mut_borrowed: Names,
    /// Roots of method-call receivers whose method is not known to be read-only.
    pub(crate) receivers: Names,
    /// Calls, method calls and macro calls: anything that may have side effects.
    pub(crate) calls: usize,
    /// `.await` expressions outside nested closures, async blocks and items.
    pub(crate) awaits: usize,
}

impl Effects {
    /// The effects of evaluating `expr`.
    pub(crate) fn of_expr(expr: &Expr) -> Self {
        let mut c = Collector::default();
        c.visit_expr(expr);
        c.fx
    }

    /// The effects of executing `stmt`.
    pub(crate) fn of_stmt(stmt: &Stmt) -> Self {
        let mut c = Collector::default();
        c.visit_stmt(stmt);
        c.fx
    }

    /// The effects of executing every statement of `block`.
    pub(crate) fn of_block(block: &Block) -> Self {
        let mut c = Collector::default();
        c.visit_block(block);
        c.fx
    }

    /// Names this code may change: assigned, borrowed mutably, or the receiver of a
    /// method that may take `&mut self`.
    pub(crate) fn mutated(&self) -> Names {
        let mut out = self.assigned.clone();
        out.extend(self.mut_borrowed.iter().cloned());
        out.extend(self.receivers.iter().cloned());
        out
    }

    /// Whether this code reads any of `names`.
    pub(crate) fn reads_any(&self, names: &Names) -> bool {
        intersects(&self.reads, names)
    }
}

/// Whether two name sets share an element.
pub(crate) fn intersects(a: &Names, b: &Names) -> bool {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    small.iter().any(|n| large.contains(n))
}

/// Methods that never mutate their receiver in any library we know of (std and the usual
/// async crates). Calling one of them on `x` is a read of `x`, not a possible mutation.
const READ_ONLY_METHODS: &[&str] = &[
    "as_bytes",
    "as_deref",
    "as_ref",
    "as_slice",
    "as_str",
    "borrow",
    "clone",
    "cloned",
    "contains",
    "contains_key",
    "copied",
    "elapsed",
    "eq",
    "fmt",
    "get",
    "is_empty",
    "is_none",
    "is_some",
    "is_ok",
    "is_err",
    "iter",
    "keys",
    "len",
    "load",
    "ne",
    "to_owned",
    "to_string",
    "to_vec",
    "values",
];

/// The variable at the root of a place expression: `x` for `x`, `x.f.g`, `x[i]`, `*x`,
/// `&x.f`, `(x)`. `self` counts as a variable.
pub(crate) fn root_var(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Path(p) if p.qself.is_none() => p.path.get_ident().map(|i| i.to_string()),
        Expr::Field(f) => root_var(&f.base),
        Expr::Index(i) => root_var(&i.expr),
        Expr::Paren(p) => root_var(&p.expr),
        Expr::Group(g) => root_var(&g.expr),
        Expr::Reference(r) => root_var(&r.expr),
        Expr::Unary(u) if matches!(u.op, UnOp::Deref(_)) => root_var(&u.expr),
        _ => None,
    }
}

/// A place: a variable followed by named or numbered fields, e.g. `self.conn`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Place {
    /// The variable.
    pub(crate) root: String,
    /// The fields, outermost last.
    pub(crate) fields: Vec<String>,
}

impl Place {
    /// Whether one of the places is a prefix of the other (`self` and `self.conn`,
    /// `a.b` and `a.b`): the two may denote the same object or one contains the other.
    pub(crate) fn overlaps(&self, other: &Place) -> bool {
        self.root == other.root && self.fields.iter().zip(&other.fields).all(|(a, b)| a == b)
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.root)?;
        for field in &self.fields {
            write!(f, ".{field}")?;
        }
        Ok(())
    }
}

/// The place an expression denotes, looking through `&`, `*`, parentheses and the
/// reference-producing adapters (`as_ref`, `as_mut`, `borrow`, `borrow_mut`, `clone`):
/// `&mut self.conn` and `self.conn.clone()` are both `self.conn`.
pub(crate) fn place_of(expr: &Expr) -> Option<Place> {
    match expr {
        Expr::Path(p) if p.qself.is_none() => p.path.get_ident().map(|i| Place {
            root: i.to_string(),
            fields: Vec::new(),
        }),
        Expr::Field(f) => {
            let mut place = place_of(&f.base)?;
            place.fields.push(match &f.member {
                Member::Named(n) => n.to_string(),
                Member::Unnamed(i) => i.index.to_string(),
            });
            Some(place)
        }
        Expr::Paren(p) => place_of(&p.expr),
        Expr::Group(g) => place_of(&g.expr),
        Expr::Reference(r) => place_of(&r.expr),
        Expr::Unary(u) if matches!(u.op, UnOp::Deref(_)) => place_of(&u.expr),
        Expr::MethodCall(m)
            if m.args.is_empty()
                && matches!(
                    m.method.to_string().as_str(),
                    "as_ref" | "as_mut" | "borrow" | "borrow_mut" | "clone" | "deref" | "deref_mut"
                ) =>
        {
            place_of(&m.receiver)
        }
        _ => None,
    }
}

/// The object a method chain starts from: for `self.client.get(u).send()` it is
/// `self.client`; for `fetch(u)` there is none.
pub(crate) fn chain_root(expr: &Expr) -> Option<Place> {
    match expr {
        Expr::MethodCall(m) => place_of(&m.receiver).or_else(|| chain_root(&m.receiver)),
        Expr::Try(t) => chain_root(&t.expr),
        Expr::Paren(p) => chain_root(&p.expr),
        Expr::Group(g) => chain_root(&g.expr),
        Expr::Await(a) => chain_root(&a.base),
        Expr::Field(f) => chain_root(&f.base),
        _ => None,
    }
}

/// Names bound by a pattern.
pub(crate) fn pat_bindings(pat: &Pat) -> Names {
    struct Binds(Names);
    impl<'ast> Visit<'ast> for Binds {
        fn visit_pat_ident(&mut self, i: &'ast syn::PatIdent) {
            self.0.insert(i.ident.to_string());
            visit::visit_pat_ident(self, i);
        }
        fn visit_expr(&mut self, _: &'ast Expr) {}
    }
    let mut b = Binds(Names::new());
    b.visit_pat(pat);
    b.0
}

/// The single name a pattern binds when it is `x`, `mut x`, `ref x` or `x: T`.
pub(crate) fn single_binding(pat: &Pat) -> Option<&syn::Ident> {
    match pat {
        Pat::Ident(p) if p.subpat.is_none() => Some(&p.ident),
        Pat::Type(t) => single_binding(&t.pat),
        Pat::Paren(p) => single_binding(&p.pat),
        _ => None,
    }
}

/// Adds the identifiers of a macro's tokens (and `{name}` inline format arguments in its
/// string literals) to `reads`.
pub(crate) fn macro_reads(tokens: &TokenStream, reads: &mut Names) {
    for tt in tokens.clone() {
        match tt {
            TokenTree::Ident(i) => {
                reads.insert(i.to_string());
            }
            TokenTree::Group(g) => macro_reads(&g.stream(), reads),
            TokenTree::Literal(l) => {
                let text = l.to_string();
                if text.contains('{') {
                    inline_format_args(&text, reads);
                }
            }
            TokenTree::Punct(_) => {}
        }
    }
}

fn inline_format_args(text: &str, reads: &mut Names) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'{' {
            if bytes.get(i + 1) == Some(&b'{') {
                i += 2;
                continue;
            }
            let start = i + 1;
            let mut end = start;
            while end < bytes.len() && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_') {
                end += 1;
            }
            if end > start && !bytes[start].is_ascii_digit() {
                reads.insert(text[start..end].to_string());
            }
            i = end;
        } else {
            i += 1;
        }
    }
}

#[derive(Default)]
struct Collector {
    fx: Effects,
    /// Depth of closures and async blocks: awaits inside them do not run here.
    deferred: usize,
}

impl<'ast> Visit<'ast> for Collector {
    fn visit_item(&mut self, _: &'ast syn::Item) {}

    fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
        if p.qself.is_none()
            && let Some(i) = p.path.get_ident()
        {
            self.fx.reads.insert(i.to_string());
        }
    }

    fn visit_expr_assign(&mut self, a: &'ast syn::ExprAssign) {
        if let Some(r) = root_var(&a.left) {
            self.fx.assigned.insert(r);
        }
        visit::visit_expr_assign(self, a);
    }

    fn visit_expr_binary(&mut self, b: &'ast syn::ExprBinary) {
        if is_compound_assign(&b.op)
            && let Some(r) = root_var(&b.left)
        {
            self.fx.assigned.insert(r);
        }
        visit::visit_expr_binary(self, b);
    }

    fn visit_expr_reference(&mut self, r: &'ast syn::ExprReference) {
        if r.mutability.is_some()
            && let Some(v) = root_var(&r.expr)
        {
            self.fx.mut_borrowed.insert(v);
        }
        visit::visit_expr_reference(self, r);
    }

    fn visit_expr_raw_addr(&mut self, r: &'ast syn::ExprRawAddr) {
        if matches!(r.mutability, syn::PointerMutability::Mut(_))
            && let Some(v) = root_var(&r.expr)
        {
            self.fx.mut_borrowed.insert(v);
        }
        visit::visit_expr_raw_addr(self, r);
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        self.fx.calls += 1;
        let name = m.method.to_string();
        if !READ_ONLY_METHODS.contains(&name.as_str())
            && let Some(r) = root_var(&m.receiver)
        {
            self.fx.receivers.insert(r);
        }
        visit::visit_expr_method_call(self, m);
    }

    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        self.fx.calls += 1;
        visit::visit_expr_call(self, c);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        self.fx.calls += 1;
        macro_reads(&m.tokens, &mut self.fx.reads);
    }

    fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
        self.fx.binds.insert(p.ident.to_string());
        visit::visit_pat_ident(self, p);
    }

    fn visit_expr_await(&mut self, a: &'ast syn::ExprAwait) {
        if self.deferred == 0 {
            self.fx.awaits += 1;
        }
        visit::visit_expr_await(self, a);
    }

    fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
        self.deferred += 1;
        visit::visit_expr_closure(self, c);
        self.deferred -= 1;
    }

    fn visit_expr_async(&mut self, a: &'ast syn::ExprAsync) {
        self.deferred += 1;
        visit::visit_expr_async(self, a);
        self.deferred -= 1;
    }
}

fn is_compound_assign(op: &BinOp) -> bool {
    matches!(
        op,
        BinOp::AddAssign(_)
            | BinOp::SubAssign(_)
            | BinOp::MulAssign(_)
            | BinOp::DivAssign(_)
            | BinOp::RemAssign(_)
            | BinOp::BitXorAssign(_)
            | BinOp::BitAndAssign(_)
            | BinOp::BitOrAssign(_)
            | BinOp::ShlAssign(_)
            | BinOp::ShrAssign(_)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fx(src: &str) -> Effects {
        Effects::of_stmt(&syn::parse_str::<Stmt>(src).unwrap())
    }

    fn names(items: &[&str]) -> Names {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn let_binds_and_reads() {
        let e = fx("let (a, mut b) = f(x, &y.z);");
        assert_eq!(e.binds, names(&["a", "b"]));
        assert!(e.reads.contains("x") && e.reads.contains("y") && e.reads.contains("f"));
        assert!(e.assigned.is_empty() && e.mut_borrowed.is_empty());
    }

    #[test]
    fn assignments_borrows_and_receivers() {
        let e = fx("{ a.b = 1; c += 2; g(&mut d.e); v.push(1); v2.len(); }");
        assert_eq!(e.assigned, names(&["a", "c"]));
        assert_eq!(e.mut_borrowed, names(&["d"]));
        assert_eq!(e.receivers, names(&["v"]), "len is read-only");
        assert_eq!(e.mutated(), names(&["a", "c", "d", "v"]));
    }

    #[test]
    fn macros_and_inline_format_args_are_reads() {
        let e = fx(r#"println!("{x} {{y}} {0}", z);"#);
        assert!(e.reads.contains("x") && e.reads.contains("z"));
        assert!(!e.reads.contains("y"), "escaped braces are not arguments");
        assert_eq!(e.calls, 1);
    }

    #[test]
    fn awaits_in_closures_and_async_blocks_do_not_count() {
        let e = fx("{ a.await; let f = async { b.await }; let g = || c; }");
        assert_eq!(e.awaits, 1);
        assert!(
            e.reads.contains("b") && e.reads.contains("c"),
            "captures are reads"
        );
    }

    #[test]
    fn nested_items_are_not_entered() {
        let e = fx("{ fn inner() { hidden = 1; } }");
        assert!(e.assigned.is_empty());
    }

    #[test]
    fn places_and_chain_roots() {
        let e: Expr = syn::parse_str("self.client.get(u).send()").unwrap();
        assert_eq!(chain_root(&e).unwrap().to_string(), "self.client");
        let e: Expr = syn::parse_str("fetch(u)").unwrap();
        assert!(chain_root(&e).is_none());
        let a = place_of(&syn::parse_str("&mut self.conn").unwrap()).unwrap();
        let b = place_of(&syn::parse_str("self").unwrap()).unwrap();
        let c = place_of(&syn::parse_str("self.other.clone()").unwrap()).unwrap();
        assert!(a.overlaps(&b) && b.overlaps(&c));
        assert!(!a.overlaps(&c));
        assert_eq!(
            root_var(&syn::parse_str("*x[1].f").unwrap()).as_deref(),
            Some("x")
        );
    }

    #[test]
    fn pattern_bindings() {
        let p = syn::parse_str::<Stmt>("let Some((a, S { b, c: d })) = e;").unwrap();
        let Stmt::Local(l) = p else { panic!() };
        assert_eq!(pat_bindings(&l.pat), names(&["a", "b", "d"]));
    }
}
