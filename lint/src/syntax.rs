//! Small questions about syntax the engine's walk asks: an item's attributes, a block's
//! tail, a type's last segment, whether a condition tests a bool parameter, a call's bool
//! literals.

use proc_macro2::Span as PmSpan;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, ExprCall, ExprMethodCall, Item, Stmt, Token};

/// The attributes of an item.
pub(crate) fn item_attrs(item: &Item) -> &[syn::Attribute] {
    match item {
        Item::Const(i) => &i.attrs,
        Item::Enum(i) => &i.attrs,
        Item::ExternCrate(i) => &i.attrs,
        Item::Fn(i) => &i.attrs,
        Item::ForeignMod(i) => &i.attrs,
        Item::Impl(i) => &i.attrs,
        Item::Macro(i) => &i.attrs,
        Item::Mod(i) => &i.attrs,
        Item::Static(i) => &i.attrs,
        Item::Struct(i) => &i.attrs,
        Item::Trait(i) => &i.attrs,
        Item::TraitAlias(i) => &i.attrs,
        Item::Type(i) => &i.attrs,
        Item::Union(i) => &i.attrs,
        Item::Use(i) => &i.attrs,
        _ => &[],
    }
}

/// Whether a block's value is a closure (its last statement, without `;`).
pub(crate) fn tail_closure(b: &syn::Block) -> bool {
    matches!(b.stmts.last(), Some(Stmt::Expr(Expr::Closure(_), None)))
}

/// The last segment of a type (`Foo` of `crate::x::Foo<T>`), for `impl` blocks.
pub(crate) fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        syn::Type::Reference(r) => type_name(&r.elem),
        syn::Type::Paren(p) => type_name(&p.elem),
        _ => None,
    }
}

/// The name a parameter's pattern binds, if it is a plain name (`stall`, `mut stall`).
pub(crate) fn ident_of(pat: &syn::Pat) -> Option<Box<str>> {
    match pat {
        syn::Pat::Ident(p) => Some(p.ident.to_string().into()),
        _ => None,
    }
}

/// Whether an `if` condition is `param` or `!param` for one of `params` (by position):
/// the position, and the value that takes the `then` branch.
pub(crate) fn param_test(cond: &Expr, params: &[Option<Box<str>>]) -> Option<(usize, bool)> {
    match cond {
        Expr::Paren(p) => param_test(&p.expr, params),
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Not(_)) => {
            param_test(&u.expr, params).map(|(i, v)| (i, !v))
        }
        Expr::Path(p) => {
            // (`<T>::x` is no ident: syn keeps the qualified path with a leading `::`.)
            let id = p.path.get_ident()?;
            let i = params
                .iter()
                .position(|n| n.as_deref().is_some_and(|n| id == n))?;
            Some((i, true))
        }
        _ => None,
    }
}

/// The `true`/`false` literal arguments of a call, by position (at most 256).
pub(crate) fn bool_literals(args: &Punctuated<Expr, Token![,]>) -> Vec<(u8, bool)> {
    args.iter()
        .take(256)
        .enumerate()
        .filter_map(|(i, a)| match a {
            Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Bool(b),
                ..
            }) => Some((i as u8, b.value)),
            _ => None,
        })
        .collect()
}

/// Whether `e` is a bare local name (`x`), as `let _ = x;` and `drop(x)` take it.
pub(crate) fn pending_local(e: &Expr) -> bool {
    matches!(e, Expr::Path(p) if p.qself.is_none() && p.path.get_ident().is_some())
}

/// The attributes of the expressions that carry them in practice.
pub(crate) fn expr_attrs(e: &Expr) -> &[syn::Attribute] {
    match e {
        Expr::Call(c) => &c.attrs,
        Expr::MethodCall(m) => &m.attrs,
        Expr::Async(a) => &a.attrs,
        Expr::Closure(c) => &c.attrs,
        Expr::Block(b) => &b.attrs,
        _ => &[],
    }
}

/// Whether `#[allow(..)]`/`#[expect(..)]` names clippy's `async_yields_async`.
pub(crate) fn allows_yields(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        (a.path().is_ident("allow") || a.path().is_ident("expect"))
            && a.parse_args_with(
                syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
            )
            .is_ok_and(|list| {
                list.iter().any(|p| {
                    p.segments.len() == 2
                        && p.segments[0].ident == "clippy"
                        && p.segments[1].ident == "async_yields_async"
                })
            })
    })
}

/// The names of a path's segments, as written (`["Box", "pin"]` of `Box::pin`).
pub(crate) fn segment_names(path: &syn::Path) -> Vec<String> {
    path.segments.iter().map(|s| s.ident.to_string()).collect()
}

/// Whether `op` is a compound assignment (`+=`, `<<=`, ...), which writes its left side.
pub(crate) fn is_assign(op: &syn::BinOp) -> bool {
    use syn::BinOp::*;
    matches!(
        op,
        AddAssign(_)
            | SubAssign(_)
            | MulAssign(_)
            | DivAssign(_)
            | RemAssign(_)
            | BitXorAssign(_)
            | BitAndAssign(_)
            | BitOrAssign(_)
            | ShlAssign(_)
            | ShrAssign(_)
    )
}

/// The span of the first token of an expression, cheaply for the usual shapes (and
/// without walking more than a few links of a long method chain).
pub(crate) fn start_span(e: &Expr) -> PmSpan {
    let mut e = e;
    for _ in 0..32 {
        e = match e {
            Expr::Path(p) if p.qself.is_none() => {
                return match (&p.path.leading_colon, p.path.segments.first()) {
                    (Some(c), _) => c.spans[0],
                    (None, Some(s)) => s.ident.span(),
                    _ => e.span(),
                };
            }
            Expr::Call(c) => &c.func,
            Expr::MethodCall(m) => &m.receiver,
            Expr::Field(f) => &f.base,
            Expr::Await(a) => &a.base,
            Expr::Try(t) => &t.expr,
            Expr::Paren(p) => return p.paren_token.span.open(),
            Expr::Lit(l) => return l.lit.span(),
            _ => return e.span(),
        };
    }
    match e {
        Expr::MethodCall(m) => m.method.span(),
        _ => e.span(),
    }
}

fn join(a: PmSpan, b: PmSpan) -> PmSpan {
    a.join(b).unwrap_or(a)
}

/// The span of a call, from its first token to its closing parenthesis.
pub(crate) fn call_span(c: &ExprCall) -> PmSpan {
    join(start_span(&c.func), c.paren_token.span.close())
}

/// The span of a method call, from its receiver's first token to its closing
/// parenthesis.
pub(crate) fn method_span(m: &ExprMethodCall) -> PmSpan {
    join(start_span(&m.receiver), m.paren_token.span.close())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn param_test_sees_a_parameter_through_parentheses_and_negation_only() {
        let params: Vec<Option<Box<str>>> = vec![None, Some("quiet".into()), Some("wait".into())];
        let test = |src: &str| param_test(&syn::parse_str(src).unwrap(), &params);
        assert_eq!(test("wait"), Some((2, true)));
        assert_eq!(test("(wait)"), Some((2, true)));
        assert_eq!(test("!(quiet)"), Some((1, false)));
        assert_eq!(test("!!wait"), Some((2, true)));
        // Not a test of the parameter's value: a deref, an associated item, another name.
        assert_eq!(test("*wait"), None);
        assert_eq!(test("<Self>::wait"), None);
        assert_eq!(test("other"), None);
        assert_eq!(test("wait == quiet"), None);
    }

    #[test]
    fn start_span_walks_at_most_32_links_of_a_chain() {
        let start = |src: &str| start_span(&syn::parse_str(src).unwrap()).start().column;
        let chain = |n: usize| {
            let links: String = (0..n).map(|i| format!(".m{i}()")).collect();
            format!("a{links}")
        };
        assert_eq!(start(&chain(32)), 0);
        // Past 32 links the start is the method name reached after 32 steps.
        let long = chain(40);
        assert_eq!(start(&long), long.find(".m7(").unwrap() + 1);
        assert_eq!(start("(a).b()?.await"), 0);
        assert_eq!(start("x::y(1).z"), 0);
        assert_eq!(start("::x::y(1)"), 0);
        // A qualified path starts at its `<`, not at the `::` after the `>`.
        assert_eq!(start("<T as Tr>::f(1)"), 0);
    }
}
