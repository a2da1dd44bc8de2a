//! Item attributes that silence rules on the item: `#[aio::allow(rule, ..)]`, the
//! `allow_blocking` option of `#[aio::coroutine]`, `#[aio::main]` and `#[aio::test]`, and
//! rustc's own opt-out for a dropped future (`#[allow(unused_must_use)]`,
//! `#[expect(unused_must_use)]`), which silences `unawaited_future`. clippy's
//! `let_underscore_future` does not: code allows it to keep clippy quiet about the very
//! mistake aio reports (the pitfall examples do).

use proc_macro2::Span as PmSpan;
use syn::Token;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;

use crate::diagnostic::ItemAllow;
use crate::rules;
use crate::source::SourceText;

/// Appends the allows that `attrs` give the item spanning `item()`.
pub(crate) fn of_item(
    src: &SourceText<'_>,
    attrs: &[syn::Attribute],
    item: &dyn Fn() -> PmSpan,
    allows: &mut Vec<ItemAllow>,
) {
    for attr in attrs {
        let p = attr.path();
        if p.is_ident("allow") || p.is_ident("expect") {
            if let Some(at) = dropped_future_opt_out(attr) {
                allows.push(ItemAllow {
                    rule: rules::unawaited_future::RULE.info.name.to_string(),
                    span: src.span(item()),
                    at: src.span(at),
                    report_unused: false,
                });
            }
            continue;
        }
        if p.segments.len() != 2 || p.segments[0].ident != "aio" {
            continue;
        }
        let kind = p.segments[1].ident.to_string();
        if kind == "allow" {
            let parser = Punctuated::<syn::Path, Token![,]>::parse_terminated;
            if let Ok(list) = attr.parse_args_with(parser) {
                let span = src.span(item());
                for rule in list {
                    if let Some(last) = rule.segments.last() {
                        allows.push(ItemAllow {
                            rule: last.ident.to_string(),
                            span,
                            at: src.span(rule.span()),
                            report_unused: true,
                        });
                    }
                }
            }
        } else if matches!(kind.as_str(), "coroutine" | "main" | "test")
            && let Some(option) = allow_blocking_option(attr)
        {
            let span = src.span(item());
            let at = src.span(option);
            for rule in rules::silenced_by_allow_blocking() {
                allows.push(ItemAllow {
                    rule: rule.to_string(),
                    span,
                    at,
                    report_unused: false,
                });
            }
        }
    }
}

/// The span of the `allow_blocking` option (bare, or `= true`) of an `#[aio::coroutine]`,
/// `#[aio::main]` or `#[aio::test]` attribute, if it has one.
fn allow_blocking_option(attr: &syn::Attribute) -> Option<PmSpan> {
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

/// Where `#[allow(..)]`/`#[expect(..)]` names `unused_must_use`, if it does.
fn dropped_future_opt_out(attr: &syn::Attribute) -> Option<PmSpan> {
    let parser = Punctuated::<syn::Meta, Token![,]>::parse_terminated;
    let list = attr.parse_args_with(parser).ok()?;
    list.iter().find_map(|m| {
        let syn::Meta::Path(p) = m else { return None };
        p.is_ident("unused_must_use").then(|| p.span())
    })
}
