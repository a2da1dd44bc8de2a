//! Small questions about syntax the engine's walk asks: an item's attributes, an
//! attribute's `allow_blocking` option, a block's tail, a type's last segment, and whether
//! a condition tests a bool parameter.

use proc_macro2::Span as PmSpan;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, Item, Stmt, Token};

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

/// The span of the `allow_blocking` option (bare, or `= true`) of an `#[aio::coroutine]`,
/// `#[aio::main]` or `#[aio::test]` attribute, if it has one.
pub(crate) fn allow_blocking_option(attr: &syn::Attribute) -> Option<PmSpan> {
    let parser = Punctuated::<syn::Meta, Token![,]>::parse_terminated;
    let options = attr.parse_args_with(parser).ok()?;
    options.iter().find_map(|m| match m {
        syn::Meta::Path(p) if p.is_ident("allow_blocking") => Some(p.span()),
        syn::Meta::NameValue(nv)
            if nv.path.is_ident("allow_blocking")
                && matches!(&nv.value, syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Bool(b), .. }) if b.value) =>
        {
            Some(nv.span())
        }
        _ => None,
    })
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
