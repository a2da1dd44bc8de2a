//! One file through the pipeline: what a file to lint is ([`Job`]), its analysis with
//! panics caught ([`lint_one`], [`lint_bytes`]), and what is left after suppressions and
//! configured levels ([`finish`]). The command line runs it over a walk (`mod.rs`); the
//! language server over its workspace (`server/workspace.rs`, with [`resolve`] and
//! [`settle`]).

use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::Level;
use crate::cli::config::Settings;
use crate::cli::discover::{self, Discovered};
use crate::cli::manifest::{Context, PackageInfo};
use crate::cli::output::FileReport;
use crate::cli::seam::{self, FileAnalysis, ItemAllow, PARSE_ERROR, RuleInfo, UNUSED_SUPPRESSION};
use crate::cli::suppress;
use crate::source::LineIndex;
use crate::{Applicability, Diagnostic};

/// Stack size of the analysis threads: syn recurses once per nesting level.
pub(crate) const STACK_SIZE: usize = 64 << 20;

/// One file to lint and what configuration says about it.
pub(crate) struct Job {
    pub(crate) abs: PathBuf,
    pub(crate) display: String,
    pub(crate) settings: Arc<Settings>,
    pub(crate) package: Option<Arc<PackageInfo>>,
}

/// One linted file.
pub(crate) struct Linted {
    /// What the engine said (`None` if the file never reached it).
    pub(crate) analysis: Option<FileAnalysis>,
    /// Findings made here (unreadable, not UTF-8, engine panic).
    pub(crate) own: Vec<Diagnostic>,
    /// The text, kept only if it may be needed (see `lint_one`).
    pub(crate) source: Option<Arc<str>>,
    pub(crate) lines: usize,
    pub(crate) panicked: bool,
}

pub(crate) fn count_lines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
        + usize::from(!bytes.is_empty() && !bytes.ends_with(b"\n"))
}

impl Linted {
    /// A file that did not reach the engine, with the one finding that says why.
    pub(crate) fn failed(d: Diagnostic, source: Arc<str>, lines: usize, panicked: bool) -> Self {
        Linted {
            analysis: None,
            own: vec![d],
            source: Some(source),
            lines,
            panicked,
        }
    }

    /// Whether the file never reached the engine (its analysis is not part of `link`).
    pub(crate) fn own_only(&self) -> bool {
        !self.own.is_empty()
    }
}

/// Reads and analyses one file. Never panics: an unreadable file, invalid UTF-8 or a
/// panic inside the engine becomes a `parse_error` finding.
pub(crate) fn lint_one(job: &Job) -> Linted {
    match std::fs::read(&job.abs) {
        Ok(bytes) => lint_bytes(job, bytes),
        Err(e) => {
            let d = seam::parse_error(
                seam::start_of_file(),
                format!("cannot read `{}`: {e}", job.display),
            );
            Linted::failed(d, Arc::from(""), 0, false)
        }
    }
}

/// Decodes and analyses the contents of one file (see `lint_one`).
pub(crate) fn lint_bytes(job: &Job, bytes: Vec<u8>) -> Linted {
    let lines = count_lines(&bytes);
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let span = LineIndex::new(&text).span(&text, at, at);
            let d = seam::parse_error(
                span,
                format!(
                    "this file is not valid UTF-8 (invalid byte at offset {at}); it was not linted"
                ),
            );
            return Linted::failed(d, Arc::from(text), lines, false);
        }
    };
    match catch_unwind(AssertUnwindSafe(|| {
        seam::analyze_file(&job.abs, &text, &job.settings.options)
    })) {
        Ok(analysis) => {
            // Keep the text only where it may be shown or scanned for suppressions, so
            // memory does not grow with the size of a clean tree; `finish` re-reads the
            // rare file that gains a finding in the workspace pass.
            let keep = !analysis.diagnostics.is_empty()
                || !analysis.item_allows.is_empty()
                || text.contains("aio-lint:");
            Linted {
                analysis: Some(analysis),
                own: Vec::new(),
                source: keep.then(|| Arc::from(text)),
                lines,
                panicked: false,
            }
        }
        Err(payload) => {
            let what = panic_message(payload.as_ref());
            let d = seam::parse_error(
                seam::start_of_file(),
                format!(
                    "internal error: the linter panicked on this file ({what}); please report it"
                ),
            );
            Linted::failed(d, Arc::from(text), lines, true)
        }
    }
}

/// The text a panic carried (`panic!("...")` gives a `&str` or a `String`), or "" when
/// it carried something else.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

/// Applies suppressions and configured levels, sorts; `None` when nothing is left.
pub(crate) fn finish(job: &Job, l: &mut Linted, rules: &[RuleInfo]) -> Option<FileReport> {
    let mut diagnostics: Vec<Diagnostic> = std::mem::take(&mut l.own);
    let mut item_allows = Vec::new();
    if let Some(a) = &mut l.analysis {
        diagnostics.append(&mut a.diagnostics);
        item_allows = std::mem::take(&mut a.item_allows);
    }
    if diagnostics.is_empty() && l.source.is_none() {
        return None;
    }
    let source = l
        .source
        .take()
        .unwrap_or_else(|| Arc::from(std::fs::read_to_string(&job.abs).unwrap_or_default()));
    let diagnostics = settle(job, diagnostics, &item_allows, &source, rules);
    if diagnostics.is_empty() {
        return None;
    }
    Some(FileReport {
        display: job.display.clone(),
        abs: job.abs.clone(),
        source,
        package: job.package.clone(),
        diagnostics,
    })
}

/// What is left of a file's findings (its own and the workspace pass's) once the
/// suppressions in `source` and `item_allows` and the configured levels are applied:
/// sorted, without duplicates.
pub(crate) fn settle(
    job: &Job,
    mut diagnostics: Vec<Diagnostic>,
    item_allows: &[ItemAllow],
    source: &str,
    rules: &[RuleInfo],
) -> Vec<Diagnostic> {
    let parsed = !diagnostics.iter().any(|d| d.rule == PARSE_ERROR);
    suppress::apply(
        source,
        item_allows,
        rules,
        &mut diagnostics,
        // Whether the rule is on: a configured `allow` is `None`, whatever the default.
        |rule| job.settings.level(rule, Level::Warn).is_some(),
        parsed,
    );
    diagnostics.retain_mut(|d| {
        // Every finding is made at its rule's default level (`RuleInfo::diagnostic`, and
        // `unused_suppression` by `suppress`), so `d.level` is the default to configure.
        match job.settings.level(d.rule, d.level) {
            Some(level) => {
                d.level = level;
                true
            }
            None => false,
        }
    });
    if parsed && !diagnostics.is_empty() {
        add_fixes(job, source, &mut diagnostics);
    }
    diagnostics.sort_by(|a, b| {
        let key = |d: &Diagnostic| (d.primary.span.byte_start, d.primary.span.byte_end, d.rule);
        key(a).cmp(&key(b)).then_with(|| a.message.cmp(&b.message))
    });
    diagnostics.dedup();
    diagnostics
}

/// Gives each finding the suggestion of its rule's fix for the file's runtime (none if
/// the fix code panics: a bug, reported once on stderr), and counts the unsafe fixes of
/// rules listed in `extend-safe-fixes` as safe.
fn add_fixes(job: &Job, source: &str, diagnostics: &mut [Diagnostic]) {
    let settings = &job.settings;
    let suggested = catch_unwind(AssertUnwindSafe(|| {
        seam::suggest_fixes(
            source,
            settings.options.runtime,
            settings.features,
            diagnostics,
        );
    }));
    if let Err(payload) = suggested {
        proc_macro2::extra::invalidate_current_thread_spans();
        eprintln!(
            "warning: internal error: computing the fixes of `{}` panicked ({}); it has none",
            job.display,
            panic_message(payload.as_ref())
        );
        for d in diagnostics.iter_mut() {
            d.suggestion = None;
        }
    }
    for d in diagnostics.iter_mut() {
        if let Some(s) = &mut d.suggestion
            && s.applicability == Applicability::MaybeIncorrect
            && settings.safe_extended(d.rule)
        {
            s.applicability = Applicability::MachineApplicable;
        }
    }
}

/// The findings of `text` as the file of `job` (its analysis, the workspace pass over it
/// alone, suppressions, levels, fixes): what `--fix` re-lints after each pass.
pub(crate) fn relint(job: &Job, text: &str, rules: &[RuleInfo]) -> Vec<Diagnostic> {
    let mut l = lint_bytes(job, text.as_bytes().to_vec());
    if let Some(a) = l.analysis.take() {
        let mut analyses = [a];
        if catch_unwind(AssertUnwindSafe(|| seam::link(&mut analyses))).is_err() {
            return Vec::new();
        }
        let [a] = analyses;
        l.analysis = Some(a);
    }
    l.source = Some(Arc::from(text));
    finish(job, &mut l, rules).map_or_else(Vec::new, |r| r.diagnostics)
}

/// What the fix loop re-lints after each pass: [`relint`] without `unused_suppression`,
/// since a suppression that only a cross-file finding uses must never be removed by a
/// later pass that sees the file alone. `--fix` and the server's fix-all share it.
pub(crate) fn relint_for_fix(job: &Job, text: &str, rules: &[RuleInfo]) -> Vec<Diagnostic> {
    let mut v = relint(job, text, rules);
    v.retain(|d| d.rule != UNUSED_SUPPRESSION);
    v
}

/// The job for the file at `abs` (an editor's buffer): the configuration around it
/// resolved as for a walk, read afresh. A configuration error is pushed on `errors` and
/// the defaults used; `None` when the configuration excludes the file.
pub(crate) fn resolve(abs: &Path, rules: &[RuleInfo], errors: &mut Vec<String>) -> Option<Job> {
    let dir = abs.parent().filter(|_| abs.is_absolute());
    let info = dir.map(|d| Context::new(rules).dir(d));
    let (settings, package) = match info {
        Some(Ok(info)) => (info.settings.clone(), info.package.clone()),
        Some(Err(e)) => {
            errors.push(format!("{e} (linting with the default configuration)"));
            (Arc::default(), None)
        }
        None => (Arc::default(), None),
    };
    if settings.excludes(abs) {
        return None;
    }
    Some(Job {
        abs: abs.to_owned(),
        display: abs.display().to_string(),
        settings,
        package,
    })
}

/// Turns discovered files into jobs: reads the configuration around each and drops the
/// excluded ones. A configuration error stops the run (`Err`).
pub(crate) fn plan(
    found: &Discovered,
    cx: &mut Context<'_>,
    base: &Path,
) -> Result<Vec<Job>, String> {
    let mut jobs = Vec::with_capacity(found.files.len());
    let mut seen_dirs = BTreeSet::new();
    for abs in &found.files {
        let dir = abs.parent().unwrap_or(Path::new("/"));
        let info = cx.dir(dir).map_err(|e| e.to_string())?;
        seen_dirs.insert(dir.to_owned());
        if !found.explicit.contains(abs) && info.settings.excludes(abs) {
            continue;
        }
        jobs.push(Job {
            abs: abs.clone(),
            display: discover::display_path(abs, base),
            settings: info.settings.clone(),
            package: info.package.clone(),
        });
    }
    Ok(jobs)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file that the walk found but that is gone when its turn comes to be read (deleted
    /// in between): one `parse_error` saying it cannot be read, never a crash.
    #[test]
    fn a_file_deleted_between_walk_and_read_is_a_finding() {
        let tmp = tempfile::tempdir().unwrap();
        let abs = tmp.path().join("gone.rs");
        std::fs::write(&abs, "fn main() {}\n").unwrap();
        let job = Job {
            abs: abs.clone(),
            display: "gone.rs".into(),
            settings: Arc::new(Settings::default()),
            package: None,
        };
        std::fs::remove_file(&abs).unwrap();
        let l = lint_one(&job);
        assert!(l.analysis.is_none() && !l.panicked);
        assert_eq!(l.own.len(), 1);
        assert_eq!(l.own[0].rule, PARSE_ERROR);
        assert!(
            l.own[0].message.starts_with("cannot read `gone.rs`: "),
            "{}",
            l.own[0].message
        );
    }

    fn job_for(dir: &Path, text: &str) -> Job {
        let abs = dir.join("lib.rs");
        std::fs::write(&abs, text).unwrap();
        Job {
            abs,
            display: "lib.rs".into(),
            settings: Arc::new(Settings::default()),
            package: None,
        }
    }

    #[test]
    fn lines_count_a_last_line_without_its_newline() {
        assert_eq!(count_lines(b""), 0);
        assert_eq!(count_lines(b"a"), 1);
        assert_eq!(count_lines(b"a\n"), 1);
        assert_eq!(count_lines(b"a\nb"), 2);
        assert_eq!(count_lines(b"\n\n"), 2);
    }

    /// The text is kept only for a file with findings, item allows or a suppression
    /// comment; a clean file's is dropped (memory stays flat on a clean tree).
    #[test]
    fn only_the_text_of_files_that_may_need_it_is_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let kept = |text: &str| lint_one(&job_for(tmp.path(), text)).source.is_some();
        assert!(!kept("fn main() {}\n"));
        assert!(kept(
            "async fn f() { std::thread::sleep(std::time::Duration::ZERO); }\n"
        ));
        assert!(kept("// aio-lint: allow(blocking_sleep)\nfn main() {}\n"));
        assert!(kept("#[aio::allow(blocking_sleep)]\nfn main() {}\n"));
    }

    /// A file that parsed, with a finding: its fixable finding gets its suggestion, and
    /// an unused suppression in it is reported, with the configured levels applied.
    #[test]
    fn settle_adds_fixes_and_unused_suppressions_to_a_parsed_file_with_findings() {
        let tmp = tempfile::tempdir().unwrap();
        let job = job_for(
            tmp.path(),
            "async fn g() {}\npub async fn f() {\n    // aio-lint: allow(blocking_fs)\n    let _x = 1;\n    futures::executor::block_on(g());\n}\n",
        );
        let l = lint_one(&job);
        let a = l.analysis.unwrap();
        let source = l.source.unwrap();
        let out = settle(&job, a.diagnostics, &a.item_allows, &source, seam::rules());
        let rules: Vec<&str> = out.iter().map(|d| d.rule).collect();
        assert_eq!(rules, ["unused_suppression", "nested_block_on"], "{out:#?}");
        assert!(out[1].suggestion.is_some(), "{:#?}", out[1]);
        assert!(out.iter().all(|d| d.level == Level::Warn));
    }
}
