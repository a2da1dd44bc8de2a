//! Edition-2015 syntax the parser rejects, for the files of 2015-edition crates: a bare
//! trait object with parenthesized arguments (`Box<Fn(u8)>`, `type A = Fn() + Send;`) and
//! a trait method parameter without a name (`fn f(&self, u8);`). When such a file does not
//! parse, its tokens are rewritten (`dyn Fn(u8)`, `_: u8`) and parsed again; every new
//! token takes the span of the token it stands beside, so findings keep their positions.

use std::str::FromStr;

use proc_macro2::{Delimiter, Group, Ident, Punct, Spacing, TokenStream, TokenTree};

/// The file parsed after the rewrite, if the text tokenizes and then parses.
pub(crate) fn parse(text: &str) -> Option<syn::File> {
    let tokens = TokenStream::from_str(text).ok()?;
    syn::parse2(rewrite(tokens, 0)).ok()
}

/// How deep groups and parameter lists are rewritten. The pre-scan bounds nesting for the
/// first parse; this stays well inside it, so the recursion never nears the stack's end.
const MAX_DEPTH: usize = 256;

fn rewrite(tokens: TokenStream, depth: usize) -> TokenStream {
    let tts: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out: Vec<TokenTree> = Vec::with_capacity(tts.len());
    let mut i = 0;
    while i < tts.len() {
        let tt = &tts[i];
        match tt {
            TokenTree::Ident(id)
                if is_fn_trait(id)
                    && matches!(tts.get(i + 1), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis)
                    && before_a_type(&out) =>
            {
                out.push(TokenTree::Ident(Ident::new("dyn", id.span())));
                out.push(tt.clone());
            }
            TokenTree::Ident(id)
                if id == "fn"
                    && depth < MAX_DEPTH
                    && matches!(tts.get(i + 1), Some(TokenTree::Ident(_))) =>
            {
                // `fn name <generics>? ( params )`: name the anonymous parameters.
                out.push(tt.clone());
                out.push(tts[i + 1].clone());
                i += 2;
                let mut angle = 0i32;
                while i < tts.len() {
                    match &tts[i] {
                        TokenTree::Punct(p) if p.as_char() == '<' => angle += 1,
                        TokenTree::Punct(p) if p.as_char() == '>' && !after_joint_minus(&out) => {
                            angle -= 1
                        }
                        TokenTree::Group(g)
                            if angle <= 0 && g.delimiter() == Delimiter::Parenthesis =>
                        {
                            let params = name_params(g.stream(), depth + 1);
                            let mut ng = Group::new(Delimiter::Parenthesis, params);
                            ng.set_span(g.span());
                            out.push(TokenTree::Group(ng));
                            break;
                        }
                        TokenTree::Group(g) if angle <= 0 && g.delimiter() == Delimiter::Brace => {
                            break;
                        }
                        _ => {}
                    }
                    out.push(recurse(&tts[i], depth));
                    i += 1;
                }
                if i < tts.len()
                    && !matches!(&tts[i], TokenTree::Group(g) if g.delimiter() == Delimiter::Parenthesis)
                {
                    continue;
                }
            }
            _ => out.push(recurse(tt, depth)),
        }
        i += 1;
    }
    out.into_iter().collect()
}

fn recurse(tt: &TokenTree, depth: usize) -> TokenTree {
    match tt {
        TokenTree::Group(g) if depth < MAX_DEPTH => {
            let mut ng = Group::new(g.delimiter(), rewrite(g.stream(), depth + 1));
            ng.set_span(g.span());
            TokenTree::Group(ng)
        }
        _ => tt.clone(),
    }
}

fn is_fn_trait(id: &Ident) -> bool {
    id == "Fn" || id == "FnMut" || id == "FnOnce"
}

/// Whether the tokens so far end where a type (not a bound) starts: after `<`, `=`, `&`,
/// `&mut`, `&'a`, `,` or `(`; after `:` or `+` it is a bound, where `dyn` is wrong.
fn before_a_type(out: &[TokenTree]) -> bool {
    match out.last() {
        Some(TokenTree::Punct(p)) => matches!(p.as_char(), '<' | '=' | '&' | ','),
        Some(TokenTree::Ident(id)) if id == "mut" => true,
        Some(TokenTree::Ident(_)) => {
            matches!(out.get(out.len().wrapping_sub(2)), Some(TokenTree::Punct(p)) if p.as_char() == '\'')
        }
        _ => false,
    }
}

fn after_joint_minus(out: &[TokenTree]) -> bool {
    matches!(out.last(), Some(TokenTree::Punct(p)) if p.as_char() == '-' && p.spacing() == Spacing::Joint)
}

/// A parameter list with `_:` before each parameter that has no top-level `:` and is not
/// a `self` receiver, and each parameter rewritten like any other tokens (a bare
/// `Box<Fn(u8)>` in a parameter's type).
fn name_params(params: TokenStream, depth: usize) -> TokenStream {
    let mut out: Vec<TokenTree> = Vec::new();
    let mut current: Vec<TokenTree> = Vec::new();
    let flush = |current: &mut Vec<TokenTree>, out: &mut Vec<TokenTree>| {
        if current.is_empty() {
            return;
        }
        if !has_colon(current)
            && !current
                .iter()
                .any(|t| matches!(t, TokenTree::Ident(id) if id == "self"))
        {
            let span = current[0].span();
            out.push(TokenTree::Ident(Ident::new("_", span)));
            let mut colon = Punct::new(':', Spacing::Alone);
            colon.set_span(span);
            out.push(TokenTree::Punct(colon));
        }
        out.extend(rewrite(current.drain(..).collect(), depth));
    };
    let mut angle = 0i32;
    for tt in params {
        match &tt {
            TokenTree::Punct(p) if p.as_char() == '<' => angle += 1,
            TokenTree::Punct(p) if p.as_char() == '>' && !after_joint_minus(&current) => angle -= 1,
            TokenTree::Punct(p) if p.as_char() == ',' && angle <= 0 => {
                flush(&mut current, &mut out);
                out.push(tt);
                continue;
            }
            _ => {}
        }
        current.push(tt);
    }
    flush(&mut current, &mut out);
    out.into_iter().collect()
}

/// A lone `:` at the top level of a parameter (not half of a `::`).
fn has_colon(param: &[TokenTree]) -> bool {
    param.iter().enumerate().any(|(i, t)| match t {
        TokenTree::Punct(p) if p.as_char() == ':' => {
            let joint_before = i > 0
                && matches!(&param[i - 1], TokenTree::Punct(q) if q.as_char() == ':' && q.spacing() == Spacing::Joint);
            p.spacing() == Spacing::Alone && !joint_before
        }
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(src: &str) -> String {
        rewrite(TokenStream::from_str(src).unwrap(), 0).to_string()
    }

    #[test]
    fn bare_fn_trait_objects_and_anonymous_parameters_parse() {
        let src = "type Action = Fn(&u8) + Send + Sync;\n\
                   struct S { f: Box<Fn(u8) -> u8>, g: &'static FnMut(), h: Vec<(u8, Box<FnOnce()>)>, i: &'static mut FnMut(u8) }\n\
                   trait T { fn a(&self, u8, &str) -> u8; fn b(std::io::Error, Vec<u8>); fn c<F: Fn(u8) -> u8>(F); \
                   fn e(Result<Box<Fn() -> u8>, u8>, u8); fn g(&self, f: Box<Fn(u8)>, Box<FnMut()>); fn h(::std::io::Error); }\n\
                   fn ok<F>(f: F) where F: Fn(u8) + Send { let _ = |x: u8| x; let _ = call(1, other(2)); }\n\
                   fn r() -> Box<dyn Fn(u8)> { loop {} }\n";
        assert!(syn::parse_file(src).is_err());
        let file = parse(src).expect("parses after the rewrite");
        let text = quote::ToTokens::to_token_stream(&file).to_string();
        assert!(text.contains("dyn Fn (& u8) + Send"), "{text}");
        assert!(text.contains("Box < dyn Fn (u8) -> u8 >"), "{text}");
        assert!(text.contains("& 'static dyn FnMut ()"), "{text}");
        assert!(text.contains("& 'static mut dyn FnMut (u8)"), "{text}");
        // A comma inside angle brackets (after a `->` whose `>` closes nothing) is not
        // a parameter's end.
        assert!(
            text.contains("fn e (_ : Result < Box < dyn Fn () -> u8 > , u8 > , _ : u8)"),
            "{text}"
        );
        // Parameters' types are rewritten too, named or not.
        assert!(
            text.contains("fn g (& self , f : Box < dyn Fn (u8) > , _ : Box < dyn FnMut () >)"),
            "{text}"
        );
        assert!(text.contains("fn h (_ : :: std :: io :: Error)"), "{text}");
        // Calls and written `dyn`s are no bare trait objects.
        assert!(text.contains("let _ = call (1 , other (2))"), "{text}");
        assert!(text.contains("Box < dyn Fn (u8) >"), "{text}");
        assert!(
            text.contains("fn a (& self , _ : u8 , _ : & str)"),
            "{text}"
        );
        assert!(
            text.contains("fn b (_ : std :: io :: Error , _ : Vec < u8 >)"),
            "{text}"
        );
        assert!(
            text.contains("fn c < F : Fn (u8) -> u8 > (_ : F)"),
            "{text}"
        );
        assert!(
            text.contains("F : Fn (u8) + Send"),
            "bounds keep no dyn: {text}"
        );
        // Spans stay where the tokens were.
        let syn::Item::Type(t) = &file.items[0] else {
            panic!()
        };
        assert_eq!(syn::spanned::Spanned::span(&t.ty).start().line, 1);
    }

    #[test]
    fn a_fn_name_without_parameters_after_it_is_left_alone() {
        // The stream ends after the name (a macro's input).
        assert_eq!(rewritten("m! { fn name }"), "m ! { fn name }");
        // A brace before any parentheses: the group after it is not the fn's parameters.
        assert_eq!(
            rewritten("m! { fn name { body } call(u8) }"),
            "m ! { fn name { body } call (u8) }"
        );
    }

    #[test]
    fn generics_close_before_the_parameters_and_nesting_is_capped() {
        assert_eq!(
            rewritten("trait T { fn d<T>(T); }"),
            "trait T { fn d < T > (_ : T) ; }"
        );
        // A brace inside the generics (a const argument) is not a body.
        assert_eq!(
            rewritten("trait T { fn k<A: Tr<{ 1 }>>(A); }"),
            "trait T { fn k < A : Tr < { 1 } >> (_ : A) ; }"
        );
        // A parameter list counts as a level of nesting like any group: the contents of
        // the 256th nested group are rewritten, those of the 257th are not.
        let fns = |n: usize| format!("{}u8{}", "fn a(".repeat(n), ")".repeat(n));
        assert!(rewritten(&fns(256)).contains("_ : u8"));
        assert!(!rewritten(&fns(257)).contains("_ : u8"));
        let groups = |n: usize| format!("{}&Fn(){}", "(".repeat(n), ")".repeat(n));
        assert!(rewritten(&groups(256)).contains("dyn Fn"));
        assert!(!rewritten(&groups(257)).contains("dyn Fn"));
    }

    #[test]
    fn text_that_is_not_rust_still_fails() {
        assert!(parse("fn f( {").is_none());
        assert!(parse("fn f() { \"unterminated }").is_none());
    }
}
