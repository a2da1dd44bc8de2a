//! [`crate::analyze_file`] for one file: the stack-safety pre-scan, the parse (on a big
//! stack when the text needs one), the engine's walk, and what comes out ([`FileAnalysis`]:
//! findings, `#[aio::allow]` attributes, and the small facts the workspace pass needs).

use std::path::{Path, PathBuf};

use crate::callgraph::{FactsBuilder, FileFacts};
use crate::diagnostic::{Applicability, Diagnostic, ItemAllow, Label, Level, Suggestion};
use crate::edition2015;
use crate::engine::{Engine, Finding};
use crate::options::FileOptions;
use crate::resolve;
use crate::rules::{self, parse_error};
use crate::source::{self, SourceText};

/// What [`analyze_file`](crate::analyze_file) found in one file, plus the small facts [`link`](crate::link) needs.
#[derive(Debug)]
pub struct FileAnalysis {
    /// The path given to [`analyze_file`](crate::analyze_file) (used in notes that point into this file).
    pub path: PathBuf,
    /// Findings, in no particular order (the CLI sorts).
    pub diagnostics: Vec<Diagnostic>,
    /// `#[aio::allow(...)]` attributes found on items.
    pub item_allows: Vec<ItemAllow>,
    pub(crate) facts: FileFacts,
}

/// Everything about one file's analysis, as `analyze_file` returns it.
pub(crate) fn analyze(path: &Path, text: &str, options: &FileOptions) -> FileAnalysis {
    let src = SourceText::new(text);
    let shape = source::shape(src.parsed());
    let mut out = FileAnalysis {
        path: path.to_owned(),
        diagnostics: Vec::new(),
        item_allows: Vec::new(),
        facts: FactsBuilder::new(
            options.runtime,
            options.package.clone(),
            options.workspace.clone(),
        )
        .finish(),
    };
    let not_linted = |message: String| parse_error::diagnostic(src.span_of_bytes(0, 0), message);
    if shape.too_deep() {
        let message = parse_error::too_deep_to_parse(shape.max_depth, shape.max_run);
        out.diagnostics.push(not_linted(message));
        return out;
    }
    let module = resolve::module_path_of(path);
    let run = || run_file(&src, options, module, &mut out);
    if shape.needs_big_stack() {
        // Deep or very long expressions: parse and walk on a thread with room to recurse.
        let ok = std::thread::scope(|s| {
            std::thread::Builder::new()
                .stack_size(1 << 30)
                .spawn_scoped(s, run)
                .map(|h| h.join().is_ok())
        });
        if !matches!(ok, Ok(true)) {
            out.diagnostics = vec![not_linted(parse_error::NOT_ANALYSED.into())];
        }
    } else if std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)).is_err() {
        // A bug of ours must not take the whole run down: report the file as not linted.
        proc_macro2::extra::invalidate_current_thread_spans();
        out.diagnostics = vec![not_linted(parse_error::INTERNAL_ERROR.into())];
    }
    out
}

fn run_file(
    src: &SourceText<'_>,
    options: &FileOptions,
    module: Vec<String>,
    out: &mut FileAnalysis,
) {
    let parsed = syn::parse_str::<syn::File>(src.parsed()).or_else(|e| {
        // A 2015-edition crate's syntax that the parser rejects: rewritten and parsed
        // again, else the first error stands.
        match options.edition {
            Some(2015) => edition2015::parse(src.parsed()).ok_or(e),
            _ => Err(e),
        }
    });
    match parsed {
        Err(e) => {
            let d = parse_error::diagnostic(src.span(e.span()), parse_error::does_not_parse(&e));
            out.diagnostics.push(d);
        }
        Ok(file) => {
            let mut engine = Engine::new(Some(src), options, module);
            engine.file(&file);
            if engine.too_deep {
                let d = parse_error::diagnostic(
                    src.span_of_bytes(0, 0),
                    parse_error::TOO_DEEP_TO_WALK.into(),
                );
                out.diagnostics.push(d);
            } else {
                out.diagnostics
                    .extend(engine.findings.iter().map(|f| to_diagnostic(src, f)));
                out.diagnostics.append(&mut engine.flow);
                out.item_allows = std::mem::take(&mut engine.allows);
                out.facts = std::mem::take(&mut engine.facts).finish();
            }
            drop(engine);
            drop(file);
        }
    }
    proc_macro2::extra::invalidate_current_thread_spans();
}

fn to_diagnostic(src: &SourceText<'_>, f: &Finding) -> Diagnostic {
    let span = src.span(f.span);
    let level = rules::info(f.rule).map_or(Level::Warn, |r| r.default_level);
    Diagnostic {
        rule: f.rule,
        level,
        message: f.message.clone(),
        primary: Label {
            span,
            message: f.label.to_string(),
        },
        secondary: Vec::new(),
        notes: Vec::new(),
        help: f.help.clone(),
        suggestion: f.replacement.as_ref().map(|r| Suggestion {
            span,
            replacement: r.clone(),
            applicability: Applicability::MaybeIncorrect,
            more: Vec::new(),
        }),
    }
}
