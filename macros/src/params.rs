//! Moving a function's parameters into the `async move` block that replaces its body.
//!
//! An `async fn` moves every argument into its future before running any of the body,
//! and drops them when the future is dropped — including arguments the body never
//! uses (guards) and `_` or destructuring patterns. An `async move` block only captures
//! what it mentions, so this module rewrites the parameter list and returns the `let`
//! statements that re-bind each argument at the top of the block, the way rustc lowers
//! `async fn` itself. It does not touch `self`: the block captures `self` on use.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::punctuated::Punctuated;
use syn::{FnArg, Pat, PatIdent, Token};

/// Rewrites `inputs` in place and returns the statements that re-bind the arguments
/// inside the block.
pub(crate) fn rebind(inputs: &mut Punctuated<FnArg, Token![,]>) -> TokenStream {
    let mut lets = TokenStream::new();
    for (index, input) in inputs.iter_mut().enumerate() {
        let FnArg::Typed(arg) = input else { continue };
        let attrs = &arg.attrs;
        match &mut *arg.pat {
            // `x` or `mut x`: keep the name (rustdoc shows it), move `mut` inside.
            Pat::Ident(PatIdent {
                by_ref: None,
                subpat: None,
                mutability,
                ident,
                ..
            }) => {
                let mutability = mutability.take();
                lets.extend(quote! {
                    #(#attrs)*
                    #[allow(clippy::redundant_locals)]
                    let #mutability #ident = #ident;
                });
            }
            // Any other pattern: take the argument whole, then destructure inside.
            pat => {
                let name = format_ident!(
                    "__aio_arg{}",
                    index,
                    span = Span::mixed_site().located_at(syn::spanned::Spanned::span(pat))
                );
                let original = std::mem::replace(
                    pat,
                    Pat::Ident(PatIdent {
                        attrs: Vec::new(),
                        by_ref: None,
                        mutability: None,
                        ident: name.clone(),
                        subpat: None,
                    }),
                );
                lets.extend(quote! {
                    #(#attrs)*
                    #[allow(clippy::redundant_locals)]
                    let #name = #name;
                    #(#attrs)*
                    let #original = #name;
                });
            }
        }
    }
    lets
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    #[test]
    fn keeps_simple_names_and_takes_patterns_whole() {
        let mut sig: syn::Signature =
            syn::parse_quote!(fn f(&self, mut a: u8, b: &str, (c, _): (u8, u8), _: Guard));
        let lets = rebind(&mut sig.inputs).to_string();
        assert_eq!(
            sig.inputs.to_token_stream().to_string(),
            "& self , a : u8 , b : & str , __aio_arg3 : (u8 , u8) , __aio_arg4 : Guard"
        );
        assert!(lets.contains("let mut a = a ;"), "{lets}");
        assert!(lets.contains("let b = b ;"), "{lets}");
        assert!(lets.contains("let __aio_arg3 = __aio_arg3 ; let (c , _) = __aio_arg3 ;"));
        assert!(lets.contains("let __aio_arg4 = __aio_arg4 ; let _ = __aio_arg4 ;"));
    }
}
