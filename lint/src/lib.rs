//! aio-lint: the rule engine behind `cargo aio-lint`.
//!
//! The library takes source text and returns [`Diagnostic`]s; it never prints and
//! never touches the file system. Everything that walks folders, reads files, loads
//! configuration or renders output sits behind the default `cli` feature, which the
//! proc-macro crate turns off so that it pulls in only syn.
#![warn(missing_docs)]

pub mod diagnostic;

pub use diagnostic::{Applicability, Diagnostic, Label, Level, LineCol, Span, Suggestion};

#[cfg(feature = "cli")]
pub mod cli;
