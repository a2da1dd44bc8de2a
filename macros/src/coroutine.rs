//! `#[aio::coroutine]`: an `async fn` becomes a `#[track_caller]` fn returning
//! `<aio>::__private::Coroutine<impl Future<Output = T>>` built from the fn's name and an
//! `async move` block holding the original body; and, unless `allow_blocking`, every
//! blocking call in the body is a compile error (see `blocking`). What a `Coroutine`
//! does at run time (naming, laziness, the never-awaited report) is the runtime's.

use crate::diag::{Errors, hinted, with_errors};
use crate::options::{self, Spec};
use crate::{blocking, function, params};
use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};
use syn::ext::IdentExt as _;
use syn::parse::Parser as _;
use syn::visit::Visit;
use syn::{Ident, ItemFn, ReturnType, Stmt, Type, parse_quote};

const ATTRIBUTE: &str = "aio::coroutine";

const SPECS: &[Spec] = &[
    Spec {
        name: "allow_blocking",
        kind: options::Kind::Flag,
    },
    options::CRATE,
];

pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let options = options::parse(ATTRIBUTE, SPECS, args, &mut errors);
    let function = match function::parse(ATTRIBUTE, item.clone()) {
        Ok(function) => function,
        Err(error) => {
            errors.push(error);
            return with_errors(item, errors.finish());
        }
    };
    if function.sig.asyncness.is_none() {
        let name = &function.sig.ident;
        errors.push(hinted(
            function.sig.fn_token.span,
            "`#[aio::coroutine]` needs an `async fn`",
            format!("add `async`: `async fn {name}(..)`"),
        ));
        return with_errors(item, errors.finish());
    }
    if options.flag("allow_blocking") != Some(true) {
        for error in blocking::check(ATTRIBUTE, &function.block) {
            errors.push(error);
        }
    }
    let expanded = expand_valid(&options.krate(), function);
    with_errors(expanded, errors.finish())
}

fn expand_valid(krate: &TokenStream, mut function: ItemFn) -> TokenStream {
    let name = function.sig.ident.unraw().to_string();
    let lets = params::rebind(&mut function.sig.inputs);
    let output: Type = match &function.sig.output {
        ReturnType::Default => parse_quote!(()),
        ReturnType::Type(_, ty) => (**ty).clone(),
    };
    // Fix the async block's output type up front, so that `?` and `return` in the
    // body infer exactly as in the `async fn` (not possible through `impl Trait`).
    let annotate = match &function.sig.output {
        ReturnType::Type(_, ty) if !mentions_impl_trait(ty) => {
            let ret = Ident::new("__aio_ret", Span::mixed_site());
            quote! {
                if let ::core::option::Option::Some(#ret) = ::core::option::Option::None::<#ty> {
                    #[allow(unreachable_code)]
                    return #ret;
                }
            }
        }
        _ => TokenStream::new(),
    };
    let mut inner = (*function.block).clone();
    let mut stmts = syn::Block::parse_within
        .parse2(quote!(#lets #annotate))
        .expect("generated statements parse");
    stmts.append(&mut inner.stmts);
    inner.stmts = stmts;
    let outer = quote! {
        #krate::__private::Coroutine::new(#name, async move #inner)
    };
    function.block.stmts = vec![Stmt::Expr(
        syn::parse2(outer).expect("generated expression parses"),
        None,
    )];
    function.sig.asyncness = None;
    function.sig.output = parse_quote! {
        -> #krate::__private::Coroutine<impl ::core::future::Future<Output = #output>>
    };
    if !has_attr(&function, "track_caller") {
        function.attrs.push(parse_quote!(#[track_caller]));
    }
    // No `#[must_use]` on the fn: `Coroutine` is `#[must_use]` itself, and a second
    // attribute would only repeat the warning at every unused call.
    function.into_token_stream()
}

fn has_attr(function: &ItemFn, name: &str) -> bool {
    function.attrs.iter().any(|a| a.path().is_ident(name))
}

/// Whether `ty` contains `impl Trait` (which cannot be written in a turbofish).
pub(crate) fn mentions_impl_trait(ty: &Type) -> bool {
    struct Finder(bool);
    impl Visit<'_> for Finder {
        fn visit_type_impl_trait(&mut self, _: &syn::TypeImplTrait) {
            self.0 = true;
        }
    }
    let mut finder = Finder(false);
    finder.visit_type(ty);
    finder.0
}
