//! What a rule is to the engine: its descriptor and its shape ([`Rule`]), one value per rule
//! file, listed once in the registry (`rules/mod.rs`).

use syn::{Block, File};

use super::blocking::Help;
use crate::catalog::Fix;
use crate::diagnostic::{Diagnostic, RuleInfo};
use crate::flow::FlowCx;
use crate::options::Runtime;

/// A check of one async body (an async fn's body, an async block, an async closure's
/// block body), called by the engine with names resolved at that body.
pub(crate) type BodyCheck = fn(&FlowCx<'_>, &Block, &mut Vec<Diagnostic>);

/// A check of a whole file, called once per file after the engine's walk; each path
/// resolves in the scope where it is written (`use`s in fns and inline modules included).
pub(crate) type FileCheck = fn(&FlowCx<'_>, &File, &mut Vec<Diagnostic>);

/// The help of a blocking call: its fix (from the catalog), the file's runtime, and the
/// source text of the call's arguments when known (for a mechanical replacement).
pub(crate) type BlockingHelp = fn(Fix, Runtime, Option<&str>) -> Help;

/// How the engine runs a rule.
#[derive(Clone, Copy)]
pub(crate) enum Shape {
    /// A blocking call: the catalog lists the calls under the rule's name, the engine
    /// reports them in async context (and, through the call graph, calls of workspace
    /// functions that reach one); the rule writes the help.
    BlockingCall(BlockingHelp),
    /// A data-flow check of each async body.
    Body(BodyCheck),
    /// A check of each whole file (sync code included).
    File(FileCheck),
    /// Raised by the engine's walk (`nested_block_on`, `unawaited_future`, `parse_error`)
    /// or by the command line (`unused_suppression`, `parse_error` for unreadable files);
    /// the rule file holds its docs and its texts.
    Builtin,
}

/// One rule: its descriptor (name, level, docs) and its shape.
#[derive(Clone, Copy)]
pub(crate) struct Rule {
    pub(crate) info: RuleInfo,
    pub(crate) shape: Shape,
}
