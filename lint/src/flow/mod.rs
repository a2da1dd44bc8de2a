//! Data-flow helpers for the flow rules (`sequential_await_in_loop`, `sequential_awaits`,
//! `immediately_awaited_task`, `dropped_task`, `lock_across_await`, `busy_wait`).
//!
//! Everything here is a pure function over syn trees: which variables an expression or a
//! statement binds, reads, assigns or borrows mutably ([`vars`]), whether an awaited
//! operation is ordering-sensitive ([`order`]), which variables a loop carries from one
//! iteration to the next ([`loops`]), how long a lock guard lives inside a block
//! ([`guards`]) and which nodes of a body run in the body's own async context
//! ([`walk`]). The helpers are deliberately *conservative in one direction*: when in doubt
//! they over-approximate reads, writes and side effects, so that the rules built on them
//! stay silent rather than raise a false positive.
//!
//! This module knows nothing about how names were resolved or where async context starts:
//! the engine hands each async body to the rules with a [`FlowCx`], and the rules decide
//! what to report.

pub(crate) mod guards;
pub(crate) mod loops;
pub(crate) mod order;
pub(crate) mod select;
pub(crate) mod vars;
pub(crate) mod walk;

use proc_macro2::Span as PmSpan;
use syn::Path;

use crate::source::SourceText;
use crate::{Runtime, Span};

/// What the flow rules need from the engine for one file.
pub(crate) struct FlowCx<'a> {
    /// Maps a written path to its fully qualified form through the `use` declarations in
    /// scope (at the async body for a per-body check, where the path is written for a
    /// per-file check); `None` for a local binding or an unknown single name.
    pub(crate) resolve: &'a dyn Fn(&Path) -> Option<String>,
    /// The file's text, for spans and snippets.
    pub(crate) src: &'a SourceText<'a>,
    /// The runtime of the file's crate (help texts name its API).
    pub(crate) runtime: Runtime,
    /// Whether the file uses `parking_lot` (whose `lock()` returns the guard directly).
    pub(crate) parking_lot: bool,
    /// For the per-file checks: calls that create a `select!` branch's future in a loop
    /// and that the file alone cannot judge (the call's span, the branch's span), which
    /// the workspace pass follows into other files (`cancel_unsafe_select`).
    pub(crate) branches: Option<&'a std::cell::RefCell<Vec<(Span, Span)>>>,
}

impl FlowCx<'_> {
    /// Converts a proc-macro2 span of the parsed file to a diagnostic span.
    pub(crate) fn span(&self, span: PmSpan) -> Span {
        self.src.span(span)
    }

    /// The source text under a span, when it maps to one.
    pub(crate) fn snippet(&self, span: PmSpan) -> Option<String> {
        self.src.snippet(span).map(str::to_string)
    }

    /// The resolved path of a call's function, falling back to the path as written when
    /// it has two segments or more (`tokio::spawn` without a `use`). A single unresolved
    /// identifier is a local item: `None`.
    pub(crate) fn resolve_fn(&self, path: &Path) -> Option<String> {
        (self.resolve)(path).or_else(|| (path.segments.len() > 1).then(|| order::path_string(path)))
    }

    /// The span from the start of `from` to the end of `to`.
    pub(crate) fn span_between(&self, from: PmSpan, to: PmSpan) -> Span {
        let a = self.span(from);
        let b = self.span(to);
        Span {
            byte_start: a.byte_start,
            byte_end: b.byte_end.max(a.byte_end),
            start: a.start,
            end: if b.byte_end >= a.byte_end {
                b.end
            } else {
                a.end
            },
        }
    }
}
