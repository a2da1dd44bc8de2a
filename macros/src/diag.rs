//! Error plumbing shared by the macros: errors that carry a hint, an accumulator that
//! keeps every problem instead of stopping at the first, and the fallback output
//! (the item plus one `compile_error!` per problem). It does not decide what is an
//! error; each macro's validation does.

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use std::fmt::Display;

/// An error at `span` whose message ends with a `help:` line.
pub(crate) fn hinted(span: Span, message: impl Display, help: impl Display) -> syn::Error {
    syn::Error::new(span, format!("{message}\nhelp: {help}"))
}

/// An error covering all of `tokens` (first to last token) with a `help:` line.
pub(crate) fn hinted_spanned(
    tokens: impl ToTokens,
    message: impl Display,
    help: impl Display,
) -> syn::Error {
    syn::Error::new_spanned(tokens, format!("{message}\nhelp: {help}"))
}

/// Collects errors; [`Errors::finish`] turns them into one combined `syn::Error`.
#[derive(Default)]
pub(crate) struct Errors(Option<syn::Error>);

impl Errors {
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    pub(crate) fn finish(self) -> Option<syn::Error> {
        self.0
    }
}

/// `tokens` followed by a `compile_error!` for each error, if any.
pub(crate) fn with_errors(mut tokens: TokenStream, errors: Option<syn::Error>) -> TokenStream {
    if let Some(errors) = errors {
        tokens.extend(errors.into_compile_error());
    }
    tokens
}
