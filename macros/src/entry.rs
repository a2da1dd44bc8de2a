//! `#[aio::main]` and `#[aio::test]`: an `async fn` with no parameters becomes a sync
//! fn that runs the original body on a fresh event loop through
//! `<aio>::__private::run_with`. Each test gets its own loop. With `cores = N`,
//! `#[aio::main]` runs the body on N loops, one per thread, through
//! `<aio>::__private::run_on_cores_main`, and returns the `ExitCode` that combines their
//! outcomes. Blocking calls in the body are errors, as in `#[aio::coroutine]`, unless
//! `allow_blocking`. This module does not know how the loop works; it only forwards the
//! options.

use crate::diag::{Errors, hinted, hinted_spanned, with_errors};
use crate::options::{self, Spec};
use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};
use syn::spanned::Spanned as _;
use syn::{Ident, ItemFn};

/// Which of the two entry-point attributes is being expanded.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Main,
    Test,
}

impl Kind {
    fn attribute(self) -> &'static str {
        match self {
            Kind::Main => "aio::main",
            Kind::Test => "aio::test",
        }
    }
}

const DEBUG: Spec = Spec {
    name: "debug",
    kind: options::Kind::Flag,
};

const SLOW_POLL_MS: Spec = Spec {
    name: "slow_poll_ms",
    kind: options::Kind::Int,
};

const ALLOW_BLOCKING: Spec = Spec {
    name: "allow_blocking",
    kind: options::Kind::Flag,
};

/// `#[aio::main]` only: the number of loops (0: one per available core).
const CORES: Spec = Spec {
    name: "cores",
    kind: options::Kind::Int,
};

const MAIN_SPECS: &[Spec] = &[DEBUG, SLOW_POLL_MS, ALLOW_BLOCKING, CORES, options::CRATE];
const TEST_SPECS: &[Spec] = &[DEBUG, SLOW_POLL_MS, ALLOW_BLOCKING, options::CRATE];

pub(crate) fn expand(kind: Kind, args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let specs = match kind {
        Kind::Main => MAIN_SPECS,
        Kind::Test => TEST_SPECS,
    };
    let options = options::parse(kind.attribute(), specs, args, &mut errors);
    let function = match crate::function::parse(kind.attribute(), item.clone()) {
        Ok(function) => function,
        Err(error) => {
            errors.push(error);
            return with_errors(item, errors.finish());
        }
    };
    let structural = validate(kind, &function);
    if !structural.is_empty() {
        for error in structural {
            errors.push(error);
        }
        return with_errors(fallback(kind, &function, item), errors.finish());
    }
    if options.flag("allow_blocking") != Some(true) {
        for error in crate::blocking::check(kind.attribute(), &function.block) {
            errors.push(error);
        }
    }
    let expanded = expand_valid(kind, &options, function);
    with_errors(expanded, errors.finish())
}

/// Mistakes in the function itself; with any of them the item is emitted unchanged.
fn validate(kind: Kind, function: &ItemFn) -> Vec<syn::Error> {
    let attribute = kind.attribute();
    let sig = &function.sig;
    let name = &sig.ident;
    let mut errors = Vec::new();
    if sig.asyncness.is_none() {
        errors.push(hinted(
            sig.fn_token.span,
            format!("`#[{attribute}]` needs an `async fn`"),
            format!("add `async`: `async fn {name}()`"),
        ));
    }
    if !sig.generics.params.is_empty() {
        errors.push(hinted_spanned(
            &sig.generics,
            format!("`#[{attribute}]` functions cannot be generic"),
            "remove the generic parameters",
        ));
    }
    if !sig.inputs.is_empty() {
        errors.push(match kind {
            Kind::Main => hinted_spanned(
                &sig.inputs,
                "`main` cannot take parameters",
                "read command-line arguments with `std::env::args()` inside the body",
            ),
            Kind::Test => hinted_spanned(
                &sig.inputs,
                "test functions cannot take parameters",
                "build the values the test needs inside its body",
            ),
        });
    }
    if kind == Kind::Test {
        for attr in &function.attrs {
            if attr.path().is_ident("test") {
                errors.push(hinted_spanned(
                    attr,
                    "`#[aio::test]` already emits `#[test]`",
                    "remove this `#[test]`",
                ));
            }
        }
    }
    errors
}

/// The original item, as the output of a macro that found a mistake in it. An
/// `async fn main` is nested inside a stand-in `fn main() {}`, so that rustc does not add
/// "`main` function is not allowed to be `async`" to the macro's own error, while
/// rust-analyzer still sees the body.
fn fallback(kind: Kind, function: &ItemFn, item: TokenStream) -> TokenStream {
    if kind == Kind::Main && function.sig.asyncness.is_some() && function.sig.ident == "main" {
        quote! {
            fn main() {
                #[allow(dead_code)]
                #item
            }
        }
    } else {
        item
    }
}

fn expand_valid(kind: Kind, options: &options::Options, mut function: ItemFn) -> TokenStream {
    let krate = options.krate();
    let debug = option_tokens(options.flag("debug"));
    let slow_poll_ms = option_tokens(options.int("slow_poll_ms"));
    let body_fn = Ident::new("__aio_body", Span::mixed_site());
    let output = function.sig.output.clone();
    let block = &function.block;
    let run_options = quote! {
        #krate::__private::RunOptions {
            debug: #debug,
            slow_poll_ms: #slow_poll_ms,
        }
    };
    let body = match options.int("cores") {
        None => quote! {
            {
                async fn #body_fn() #output #block
                #krate::__private::run_with(#run_options, #body_fn())
            }
        },
        Some(cores) => {
            let cores = proc_macro2::Literal::u64_unsuffixed(cores);
            // The body's return type must be one `main` may return: named here, so
            // that a wrong one is an error on that type.
            let report = match &output {
                syn::ReturnType::Type(_, ty) => quote::quote_spanned! {ty.span()=>
                    #krate::__private::main_output::<#ty>()
                },
                syn::ReturnType::Default => quote!(#krate::__private::main_output::<()>()),
            };
            quote! {
                {
                    async fn #body_fn() #output #block
                    #krate::__private::run_on_cores_main(#run_options, #cores, #body_fn, #report)
                }
            }
        }
    };
    if options.int("cores").is_some() {
        function.sig.output = syn::parse_quote!(-> ::std::process::ExitCode);
    }
    *function.block = syn::parse2(body).expect("generated block parses");
    function.sig.asyncness = None;
    let test_attr = match kind {
        Kind::Main => TokenStream::new(),
        Kind::Test => quote!(#[::core::prelude::v1::test]),
    };
    let mut tokens = test_attr;
    function.to_tokens(&mut tokens);
    tokens
}

fn option_tokens<T: ToTokens>(value: Option<T>) -> TokenStream {
    match value {
        Some(value) => quote!(::core::option::Option::Some(#value)),
        None => quote!(::core::option::Option::None),
    }
}
