//! Parsing the item under an attribute into a function, with an error that names the
//! attribute when the item is something else. Whether the function is `async`, and
//! every other check, is left to each macro's validation.

use crate::diag::hinted_spanned;
use proc_macro2::TokenStream;
use syn::{Item, ItemFn};

/// The item as a function with a body, or an error spanned on the item's head.
pub(crate) fn parse(attribute: &str, item: TokenStream) -> syn::Result<ItemFn> {
    let help = "put the attribute on an `async fn` with a body";
    match syn::parse2::<Item>(item.clone()) {
        Ok(Item::Fn(function)) => Ok(function),
        Ok(other) => Err(match head(&other) {
            Some(head) => hinted_spanned(
                head,
                format!("`#[{attribute}]` applies to functions only"),
                help,
            ),
            None => hinted_spanned(
                other,
                format!("`#[{attribute}]` applies to a function with a body"),
                help,
            ),
        }),
        Err(error) => Err(error),
    }
}

/// The keyword and name of an item, for a short error span.
fn head(item: &Item) -> Option<TokenStream> {
    use quote::quote;
    Some(match item {
        Item::Struct(i) => {
            let (k, n) = (&i.struct_token, &i.ident);
            quote!(#k #n)
        }
        Item::Enum(i) => {
            let (k, n) = (&i.enum_token, &i.ident);
            quote!(#k #n)
        }
        Item::Trait(i) => {
            let (k, n) = (&i.trait_token, &i.ident);
            quote!(#k #n)
        }
        Item::Mod(i) => {
            let (k, n) = (&i.mod_token, &i.ident);
            quote!(#k #n)
        }
        Item::Const(i) => {
            let (k, n) = (&i.const_token, &i.ident);
            quote!(#k #n)
        }
        Item::Static(i) => {
            let (k, n) = (&i.static_token, &i.ident);
            quote!(#k #n)
        }
        Item::Type(i) => {
            let (k, n) = (&i.type_token, &i.ident);
            quote!(#k #n)
        }
        Item::Impl(i) => {
            let (k, n) = (&i.impl_token, &i.self_ty);
            quote!(#k #n)
        }
        _ => return None,
    })
}
