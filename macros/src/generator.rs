//! `#[aio::generator]`: an `async fn` whose body yields values becomes a fn returning
//! `impl Stream<Item = T>` (T = the declared return type), built with the runtime's
//! channel: `<aio>::__private::generator(move |y: Yielder<T>| async move { body })`,
//! where each `yield_!(value)` of the body becomes `y.yield_(value).await`.
//!
//! Only the generator's own body yields. A `yield_!` inside a closure, an `async`
//! block or a `const` block cannot suspend the generator and is an error; nested `fn`
//! items are other functions and are left alone (they may be generators themselves).
//! Rust's `yield value` syntax is reported with the stable spelling: rustc rejects it
//! as unstable while parsing, before this macro runs. How values travel from the body
//! to the consumer is the runtime's business.

use crate::diag::{Errors, hinted, hinted_spanned, with_errors};
use crate::options::{self, Spec};
use crate::{function, params};
use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned as _;
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, ExprMacro, Ident, ItemFn, Macro, ReturnType, Stmt, Type, parse_quote};

const ATTRIBUTE: &str = "aio::generator";

const SPECS: &[Spec] = &[options::CRATE];

/// The in-body spelling of `yield`.
const YIELD_MACRO: &str = "yield_";

pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let options = options::parse(ATTRIBUTE, SPECS, args, &mut errors);
    let mut function = match function::parse(ATTRIBUTE, item.clone()) {
        Ok(function) => function,
        Err(error) => {
            errors.push(error);
            return with_errors(item, errors.finish());
        }
    };
    let name = function.sig.ident.clone();
    if function.sig.asyncness.is_none() {
        // Reported, then expanded as if `async` were there: the rest is well-formed.
        errors.push(hinted(
            function.sig.fn_token.span,
            "`#[aio::generator]` needs an `async fn`",
            format!("add `async`: `async fn {name}(..) -> T`"),
        ));
    }
    let ReturnType::Type(_, item_type) = &function.sig.output else {
        errors.push(hinted(
            name.span(),
            "`#[aio::generator]` needs the type of the yielded items as the return type",
            format!("declare it: `async fn {name}(..) -> u64` yields `u64`s"),
        ));
        // The original item, with each yield reduced to evaluating its value: no
        // "cannot find macro `yield_`" on top of the real mistake.
        let mut quiet = Errors::default();
        Rewriter {
            yielder: None,
            yields: 0,
            misplaced: 0,
            inside: Vec::new(),
            errors: &mut quiet,
        }
        .visit_block_mut(&mut function.block);
        return with_errors(function.into_token_stream(), errors.finish());
    };
    let item_type = (**item_type).clone();

    let yielder = Ident::new("__aio_yielder", Span::mixed_site());
    let mut rewriter = Rewriter {
        yielder: Some(&yielder),
        yields: 0,
        misplaced: 0,
        inside: Vec::new(),
        errors: &mut errors,
    };
    rewriter.visit_block_mut(&mut function.block);
    // A body whose only yields are misplaced has its error already: "never yields"
    // would be a second error for the same mistake.
    if rewriter.yields == 0 && rewriter.misplaced == 0 {
        errors.push(hinted(
            name.span(),
            format!("`#[aio::generator]` fn `{name}` never yields"),
            "yield each item with `yield_!(value)` in the body; a function that produces \
             one value is a plain `async fn`",
        ));
    }
    let expanded = expand_valid(&options.krate(), function, &item_type, &yielder);
    with_errors(expanded, errors.finish())
}

fn expand_valid(
    krate: &TokenStream,
    mut function: ItemFn,
    item: &Type,
    yielder: &Ident,
) -> TokenStream {
    let lets = params::rebind(&mut function.sig.inputs);
    let mut inner = (*function.block).clone();
    let mut stmts = syn::parse::Parser::parse2(syn::Block::parse_within, lets)
        .expect("generated statements parse");
    stmts.append(&mut inner.stmts);
    inner.stmts = stmts;
    // `impl Trait` cannot be written in the closure's parameter type: infer it there.
    let yielder_item = if mentions_impl_trait(item) {
        quote!(_)
    } else {
        item.to_token_stream()
    };
    let body = quote! {
        #krate::__private::generator(
            move |#yielder: #krate::__private::Yielder<#yielder_item>| async move #inner
        )
    };
    function.block.stmts = vec![Stmt::Expr(
        syn::parse2(body).expect("generated expression parses"),
        None,
    )];
    function.sig.asyncness = None;
    function.sig.output = parse_quote!(-> impl #krate::__private::Stream<Item = #item>);
    function.into_token_stream()
}

fn mentions_impl_trait(ty: &Type) -> bool {
    crate::coroutine::mentions_impl_trait(ty)
}

/// Where a `yield_!` is, if not directly in the generator's body.
#[derive(Clone, Copy)]
enum Inside {
    Closure,
    AsyncBlock,
    ConstBlock,
}

struct Rewriter<'a> {
    /// `None`: reduce every yield to evaluating its value, reporting nothing.
    yielder: Option<&'a Ident>,
    /// Yields rewritten in the generator's own body.
    yields: usize,
    /// Yields reported where they cannot suspend the generator.
    misplaced: usize,
    inside: Vec<Inside>,
    errors: &'a mut Errors,
}

impl Rewriter<'_> {
    /// The replacement for one `yield_!(value)` / `yield value` at `span`.
    fn rewrite(&mut self, span: Span, value: Option<Expr>) -> Expr {
        let value = value.map_or_else(|| quote!(()), ToTokens::into_token_stream);
        let Some(yielder) = self.yielder else {
            return parse_quote!({ let _ = #value; });
        };
        if let Some(inside) = self.inside.last() {
            let (place, help) = match inside {
                Inside::Closure => (
                    "a closure",
                    "yield from the generator body itself, for example with a `for` loop \
                     instead of an iterator adapter",
                ),
                Inside::AsyncBlock => (
                    "an `async` block",
                    "yield from the generator body itself; await the block there and yield \
                     its result",
                ),
                Inside::ConstBlock => ("a `const` block", "yield outside the `const` block"),
            };
            self.misplaced += 1;
            self.errors.push(hinted(
                span,
                format!("cannot yield from inside {place}: only the body of the `#[aio::generator]` fn can yield"),
                help,
            ));
            // Keep the value type-checked (and completable) without yielding it.
            return parse_quote!({ let _ = #value; });
        }
        self.yields += 1;
        let yielder = Ident::new(&yielder.to_string(), yielder.span().located_at(span));
        syn::parse2(quote_spanned!(span=> #yielder.yield_(#value).await))
            .expect("generated yield parses")
    }

    fn yield_value(&mut self, mac: &Macro) -> Option<Expr> {
        if mac.tokens.is_empty() {
            return None;
        }
        match mac.parse_body::<Expr>() {
            Ok(value) => Some(value),
            Err(error) => {
                self.errors.push(error);
                Some(parse_quote!(()))
            }
        }
    }

    fn nested(&mut self, inside: Inside, visit: impl FnOnce(&mut Self)) {
        self.inside.push(inside);
        visit(self);
        self.inside.pop();
    }
}

fn is_yield_macro(mac: &Macro) -> bool {
    mac.path.is_ident(YIELD_MACRO)
}

impl VisitMut for Rewriter<'_> {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        match expr {
            Expr::Macro(ExprMacro { mac, .. }) if is_yield_macro(mac) => {
                let span = mac.span();
                let mut value = self.yield_value(mac);
                if let Some(value) = &mut value {
                    self.visit_expr_mut(value);
                }
                *expr = self.rewrite(span, value);
            }
            Expr::Yield(y) => {
                let span = y.span();
                if self.yielder.is_some() {
                    self.errors.push(hinted_spanned(
                        &*y,
                        "write `yield_!(value)` to yield in a `#[aio::generator]` fn: `yield` is \
                         unstable syntax",
                        "rustc also reports this `yield` as E0658; both errors go away with \
                         `yield_!(value)`",
                    ));
                }
                let mut value = y.expr.take().map(|e| *e);
                if let Some(value) = &mut value {
                    self.visit_expr_mut(value);
                }
                *expr = self.rewrite(span, value);
            }
            Expr::Closure(closure) => self.nested(Inside::Closure, |this| {
                visit_mut::visit_expr_closure_mut(this, closure);
            }),
            Expr::Async(block) => self.nested(Inside::AsyncBlock, |this| {
                visit_mut::visit_expr_async_mut(this, block);
            }),
            Expr::Const(block) => self.nested(Inside::ConstBlock, |this| {
                visit_mut::visit_expr_const_mut(this, block);
            }),
            _ => visit_mut::visit_expr_mut(self, expr),
        }
    }

    fn visit_stmt_mut(&mut self, stmt: &mut Stmt) {
        if let Stmt::Macro(m) = stmt
            && is_yield_macro(&m.mac)
        {
            let mut expr = Expr::Macro(ExprMacro {
                attrs: std::mem::take(&mut m.attrs),
                mac: m.mac.clone(),
            });
            let semi = m.semi_token;
            self.visit_expr_mut(&mut expr);
            *stmt = Stmt::Expr(expr, semi);
        } else {
            visit_mut::visit_stmt_mut(self, stmt);
        }
    }

    /// Nested items are other functions: their yields are not ours.
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}

    /// Other macros' arguments are opaque tokens: a `yield_!` there is not rewritten.
    fn visit_macro_mut(&mut self, mac: &mut Macro) {
        let name = mac
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        if self.yielder.is_none() {
            return;
        }
        if let Some(span) = find_yield_macro(mac.tokens.clone()) {
            self.misplaced += 1;
            self.errors.push(hinted(
                span,
                format!("`yield_!` inside the arguments of `{name}!` is not rewritten"),
                "yield in a statement of its own, outside the macro call",
            ));
        }
    }
}

fn find_yield_macro(tokens: TokenStream) -> Option<Span> {
    let mut tokens = tokens.into_iter().peekable();
    while let Some(token) = tokens.next() {
        match &token {
            TokenTree::Ident(ident) if ident == YIELD_MACRO => {
                if matches!(tokens.peek(), Some(TokenTree::Punct(p)) if p.as_char() == '!') {
                    return Some(ident.span());
                }
            }
            TokenTree::Group(group) => {
                if let Some(span) = find_yield_macro(group.stream()) {
                    return Some(span);
                }
            }
            _ => {}
        }
    }
    None
}
