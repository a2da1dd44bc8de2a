//! `#[aio::allow(rule, ...)]`: an identity attribute. `cargo aio-lint` reads it from the
//! source to silence rules on an item; the macro only checks that its arguments are
//! rule names (plain identifiers, each listed once) and emits the item unchanged,
//! followed by a `compile_error!` per malformed argument.

use crate::diag::{Errors, hinted, hinted_spanned, with_errors};
use proc_macro2::{Span, TokenStream};
use syn::parse::Parser as _;
use syn::punctuated::Punctuated;
use syn::{Expr, ExprPath, Token};

pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let errors = validate(args);
    with_errors(item, errors.finish())
}

fn validate(args: TokenStream) -> Errors {
    let mut errors = Errors::default();
    let list = match Punctuated::<Expr, Token![,]>::parse_terminated.parse2(args) {
        Ok(list) => list,
        Err(error) => {
            errors.push(error);
            return errors;
        }
    };
    if list.is_empty() {
        errors.push(hinted(
            Span::call_site(),
            "`#[aio::allow]` needs the names of the rules to allow",
            "for example `#[aio::allow(blocking_sleep)]`",
        ));
    }
    let mut seen: Vec<String> = Vec::new();
    for arg in &list {
        let ident = match arg {
            Expr::Path(ExprPath {
                attrs,
                qself: None,
                path,
            }) if attrs.is_empty() => path.get_ident(),
            _ => None,
        };
        let Some(ident) = ident else {
            errors.push(hinted_spanned(
                arg,
                "expected a rule name: a plain identifier",
                "write the rule's name as `cargo aio-lint explain` shows it, for example \
                 `blocking_sleep`",
            ));
            continue;
        };
        let name = ident.to_string();
        if seen.contains(&name) {
            errors.push(hinted(
                ident.span(),
                format!("rule `{name}` is listed more than once"),
                "remove the repeated name",
            ));
        }
        seen.push(name);
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn messages(args: TokenStream) -> Option<String> {
        validate(args).finish().map(|e| e.to_string())
    }

    #[test]
    fn accepts_identifiers() {
        assert_eq!(messages(quote!(blocking_sleep, busy_wait,)), None);
    }

    #[test]
    fn rejects_paths_literals_duplicates_and_nothing() {
        assert!(
            messages(quote!(aio::blocking_sleep))
                .unwrap()
                .contains("plain identifier")
        );
        assert!(
            messages(quote!("blocking_sleep"))
                .unwrap()
                .contains("plain identifier")
        );
        assert!(
            messages(quote!(a, b, a))
                .unwrap()
                .contains("more than once")
        );
        assert!(messages(quote!()).unwrap().contains("needs the names"));
    }
}
