//! Code inside macro calls: turns a macro's tokens into syntax the engine can walk, where
//! they parse. `select!` arms (tokio and futures: `pat = fut (, if cond)? => handler`),
//! comma- or semicolon-separated expressions (`join!`, `vec![x; n]`, the `format!` and
//! `assert!` families, most user macros) and statement lists (`{ ... }` bodies). Bodies
//! without a single call, and macros in item position, are not parsed (see [`parse`]).
//!
//! Spans of the parsed syntax are the original tokens' spans, so findings inside macros
//! point into the real source. Macros whose bodies are not Rust code (`quote!`,
//! `macro_rules!`, `html!`) are left alone.

use proc_macro2::{TokenStream, TokenTree};
use syn::parse::{ParseStream, Parser};
use syn::{Expr, Pat, Stmt, Token};

/// One arm of a `select!`.
pub(crate) struct SelectArm {
    /// The future (absent for `else`/`complete`/`default` arms).
    pub(crate) future: Option<Expr>,
    /// The `, if cond` precondition.
    pub(crate) guard: Option<Expr>,
    /// The handler.
    pub(crate) handler: Expr,
}

/// What a macro's body parsed as.
pub(crate) enum Body {
    Exprs(Vec<Expr>),
    Stmts(Vec<Stmt>),
    Select(Vec<SelectArm>),
    /// Not Rust code we understand; only its identifiers are visible (see [`idents`]).
    Opaque,
}

/// Macros whose bodies are never code to lint.
fn is_not_code(name: &str) -> bool {
    matches!(
        name,
        "macro_rules"
            | "quote"
            | "quote_spanned"
            | "parse_quote"
            | "parse_quote_spanned"
            | "stringify"
            | "concat"
            | "include"
            | "include_str"
            | "include_bytes"
            | "env"
            | "option_env"
            | "cfg"
            | "compile_error"
            | "asm"
            | "global_asm"
            | "naked_asm"
            | "line"
            | "column"
            | "file"
            | "module_path"
            | "html"
            | "rsx"
            | "view"
            | "sql"
            | "query"
            | "query_as"
            | "json"
            | "doc"
            | "concat_idents"
    )
}

/// Parses the body of `mac`, a macro in expression or statement position. (Item macros,
/// such as `cfg_if!` wrappers holding whole modules, are never parsed: they are never in
/// async context.)
pub(crate) fn parse(mac: &syn::Macro) -> Body {
    let Some(last) = mac.path.segments.last() else {
        return Body::Opaque;
    };
    let name = last.ident.to_string();
    if is_not_code(&name) || mac.tokens.is_empty() {
        return Body::Opaque;
    }
    if matches!(name.as_str(), "select" | "select_biased" | "try_select")
        && let Ok(arms) = parse_select.parse2(mac.tokens.clone())
    {
        return Body::Select(arms);
    }
    // A body without a single call has nothing for the rules to see.
    if !has_call(&mac.tokens) {
        return Body::Opaque;
    }
    // `m! { ... }` is usually a block of statements, `m!(...)`/`m![...]` a list.
    let braced = matches!(mac.delimiter, syn::MacroDelimiter::Brace(_));
    if braced && let Ok(stmts) = syn::Block::parse_within.parse2(mac.tokens.clone()) {
        return Body::Stmts(stmts);
    }
    if let Ok(exprs) = parse_exprs.parse2(mac.tokens.clone()) {
        return Body::Exprs(exprs);
    }
    if !braced && let Ok(stmts) = syn::Block::parse_within.parse2(mac.tokens.clone()) {
        return Body::Stmts(stmts);
    }
    Body::Opaque
}

/// `a, b, c` or `x; n` (optionally trailing).
fn parse_exprs(input: ParseStream<'_>) -> syn::Result<Vec<Expr>> {
    let mut out = Vec::new();
    while !input.is_empty() {
        out.push(input.parse::<Expr>()?);
        if input.is_empty() {
            break;
        }
        if input.peek(Token![,]) {
            input.parse::<Token![,]>()?;
        } else {
            input.parse::<Token![;]>()?;
        }
    }
    Ok(out)
}

/// Whether the tokens contain `name(` anywhere: a call or method call.
fn has_call(tokens: &TokenStream) -> bool {
    let mut stack = vec![tokens.clone().into_iter()];
    let mut after_ident = false;
    while let Some(iter) = stack.last_mut() {
        match iter.next() {
            Some(TokenTree::Ident(_)) => after_ident = true,
            Some(TokenTree::Group(g)) => {
                if after_ident && g.delimiter() == proc_macro2::Delimiter::Parenthesis {
                    return true;
                }
                after_ident = false;
                stack.push(g.stream().into_iter());
            }
            Some(_) => after_ident = false,
            None => {
                stack.pop();
                after_ident = false;
            }
        }
    }
    false
}

fn parse_select(input: ParseStream<'_>) -> syn::Result<Vec<SelectArm>> {
    let mut arms = Vec::new();
    if input.peek(syn::Ident) && input.peek2(Token![;]) {
        let _biased: syn::Ident = input.parse()?;
        input.parse::<Token![;]>()?;
    }
    while !input.is_empty() {
        let future = if input.peek(Token![else]) {
            input.parse::<Token![else]>()?;
            None
        } else if (input.peek(syn::Ident) && input.peek2(Token![=>]))
            || (input.peek(syn::Ident) && input.peek2(syn::token::Paren) && {
                let fork = input.fork();
                let id: syn::Ident = fork.parse()?;
                id == "default"
            })
        {
            // `complete =>`, `default =>`, `default(t) =>` (futures::select!)
            let _kw: syn::Ident = input.parse()?;
            if input.peek(syn::token::Paren) {
                let content;
                syn::parenthesized!(content in input);
                let _: TokenStream = content.parse()?;
            }
            None
        } else {
            let _pat = Pat::parse_multi_with_leading_vert(input)?;
            input.parse::<Token![=]>()?;
            Some(input.parse::<Expr>()?)
        };
        let guard = if input.peek(Token![,]) && input.peek2(Token![if]) {
            input.parse::<Token![,]>()?;
            input.parse::<Token![if]>()?;
            Some(input.parse::<Expr>()?)
        } else {
            None
        };
        input.parse::<Token![=>]>()?;
        let handler: Expr = input.parse()?;
        if input.peek(Token![,]) {
            input.parse::<Token![,]>()?;
        }
        arms.push(SelectArm {
            future,
            guard,
            handler,
        });
    }
    Ok(arms)
}

/// Calls `f` with every identifier in `tokens` (iteratively: token trees can nest deep).
pub(crate) fn idents(tokens: &TokenStream, mut f: impl FnMut(&proc_macro2::Ident)) {
    let mut stack = vec![tokens.clone().into_iter()];
    while let Some(iter) = stack.last_mut() {
        match iter.next() {
            Some(TokenTree::Ident(id)) => f(&id),
            Some(TokenTree::Group(g)) => stack.push(g.stream().into_iter()),
            Some(_) => {}
            None => {
                stack.pop();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(src: &str) -> Body {
        let mac: syn::Macro = syn::parse_str(src).unwrap();
        parse(&mac)
    }

    #[test]
    fn select_arms_with_guards_and_else() {
        let Body::Select(arms) = body(
            "tokio::select! { biased; v = rx.recv(), if open => { handle(v) } _ = sleep(d) => stop(), else => () }",
        ) else {
            panic!("not parsed as select")
        };
        assert_eq!(arms.len(), 3);
        assert!(arms[0].guard.is_some() && arms[0].future.is_some());
        assert!(arms[2].future.is_none());
    }

    #[test]
    fn futures_select_default_and_complete() {
        let Body::Select(arms) =
            body("futures::select! { x = a => x, complete => 0, default => 1 }")
        else {
            panic!("not parsed as select")
        };
        assert_eq!(arms.len(), 3);
    }

    #[test]
    fn exprs_stmts_and_opaque() {
        assert!(matches!(body("vec![f(); 3]"), Body::Exprs(e) if e.len() == 2));
        assert!(
            matches!(body("println!(\"{} {x}\", a, x = f(b))"), Body::Exprs(e) if e.len() == 3)
        );
        assert!(matches!(body("m! { let x = 1; f(x); }"), Body::Stmts(s) if s.len() == 2));
        assert!(matches!(body("quote! { #x + 1 }"), Body::Opaque));
        assert!(matches!(body("println!(\"{} {}\", a, b)"), Body::Opaque));
        assert!(matches!(body("println!(\"{}\", a.len())"), Body::Exprs(e) if e.len() == 2));
        assert!(matches!(
            body("tracing::info!(target: \"x\", \"hi\")"),
            Body::Opaque
        ));
    }
}
