//! The compile-time blocking-call check of `#[aio::coroutine]`, `#[aio::main]` and
//! `#[aio::test]`: each call that
//! `aio_lint::embed::blocking_calls` finds in the body (the linter's own detection,
//! including its exemption of closures handed to `aio::to_thread` and
//! `std::thread::spawn`) becomes an error spanned on the call, carrying the lint's
//! message and its help naming the async replacement. Deciding what blocks is the
//! linter's job, not this module's.
//!
//! The lint reports one `Span` (a single token on stable Rust); this module finds the
//! call expression that starts there, so that the error underlines the whole call.

use crate::diag::{hinted, hinted_spanned};
use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::spanned::Spanned as _;
use syn::visit::{self, Visit};

/// One error per blocking call in `body`, the body of a function under `#[attribute]`
/// (whose `allow_blocking` option the note names).
pub(crate) fn check(attribute: &str, body: &syn::Block) -> Vec<syn::Error> {
    aio_lint::embed::blocking_calls(body)
        .into_iter()
        .map(|call| {
            let message = format!("{} [aio::{}]", call.message, call.rule);
            let help = format!(
                "{}\nnote: `#[{attribute}(allow_blocking)]` turns this check off",
                call.help
            );
            match whole_call(body, call.span) {
                Some(tokens) => hinted_spanned(tokens, message, help),
                None => hinted(call.span, message, help),
            }
        })
        .collect()
}

/// The tokens of the call, method call or macro call in `body` that starts at `at`
/// (for a method call: its receiver or its method name), outermost first.
fn whole_call(body: &syn::Block, at: Span) -> Option<TokenStream> {
    struct Finder {
        at: proc_macro2::LineColumn,
        found: Option<TokenStream>,
    }
    impl Finder {
        fn starts_here(&self, span: Span) -> bool {
            self.found.is_none() && span.start() == self.at
        }
    }
    impl<'ast> Visit<'ast> for Finder {
        fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
            if self.starts_here(call.span()) {
                self.found = Some(call.to_token_stream());
            }
            visit::visit_expr_call(self, call);
        }
        fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
            if self.starts_here(call.span()) {
                self.found = Some(call.to_token_stream());
            } else if self.starts_here(call.method.span()) {
                let mut tokens = call.method.to_token_stream();
                call.turbofish.to_tokens(&mut tokens);
                call.paren_token
                    .surround(&mut tokens, |tokens| call.args.to_tokens(tokens));
                self.found = Some(tokens);
            }
            visit::visit_expr_method_call(self, call);
        }
        fn visit_macro(&mut self, mac: &'ast syn::Macro) {
            if self.starts_here(mac.path.span()) {
                self.found = Some(mac.to_token_stream());
            }
            visit::visit_macro(self, mac);
        }
    }
    let at = at.start();
    if at.line == 0 {
        return None; // no location information from this compiler
    }
    let mut finder = Finder { at, found: None };
    finder.visit_block(body);
    finder.found
}
