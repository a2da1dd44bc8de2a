//! The compile-time blocking-call check of `#[aio::coroutine]`: each call that
//! `aio_lint::embed::blocking_calls` finds in the body (the linter's own detection,
//! including its exemption of closures handed to `aio::to_thread` and
//! `std::thread::spawn`) becomes an error spanned on the call, carrying the lint's
//! message and its help naming the async replacement. Deciding what blocks is the
//! linter's job, not this module's.

use crate::diag::hinted;

/// One error per blocking call in `body`.
pub(crate) fn check(body: &syn::Block) -> Vec<syn::Error> {
    aio_lint::embed::blocking_calls(body)
        .into_iter()
        .map(|call| {
            hinted(
                call.span,
                format!(
                    "blocking call `{}` in `#[aio::coroutine]` [aio::{}]: {}",
                    call.call, call.rule, call.message
                ),
                format!(
                    "{}\nnote: `#[aio::coroutine(allow_blocking)]` turns this check off",
                    call.help
                ),
            )
        })
        .collect()
}
