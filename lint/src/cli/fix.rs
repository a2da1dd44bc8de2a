//! `--fix`, `--unsafe-fixes` and `--diff`: which suggestions a run applies, the fix loop
//! over each file that has some (`crate::fix::apply`, re-linting with the file's own
//! configuration), the atomic write, the unified diff and the closing summary line.
//!
//! The first pass of each file takes the findings of the whole run, workspace pass
//! included. Later passes re-lint the file alone, so they leave `unused_suppression`
//! alone: a suppression may be used by a finding only the whole workspace shows.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};

use crate::cli::output::Report;
use crate::cli::pipeline::{Job, relint_for_fix};
use crate::cli::seam::{RuleInfo, fixes};
use crate::{Applicability, Diagnostic};

/// Which suggestions a run applies.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Mode {
    /// `--unsafe-fixes`: `MaybeIncorrect` too.
    pub(crate) unsafe_fixes: bool,
}

impl Mode {
    /// Whether `d`'s suggestion is applied in this mode for a file with `job`'s settings.
    pub(crate) fn wants(self, job: &Job, d: &Diagnostic) -> bool {
        d.suggestion
            .as_ref()
            .is_some_and(|s| match s.applicability {
                Applicability::MachineApplicable => true,
                Applicability::MaybeIncorrect => self.unsafe_fixes,
                Applicability::HasPlaceholders => false,
            })
            && job.settings.fixable(d.rule)
    }

    /// Whether `d` would be fixed with `--unsafe-fixes` but is not in this mode.
    pub(crate) fn only_unsafe(self, job: &Job, d: &Diagnostic) -> bool {
        !self.wants(job, d) && Mode { unsafe_fixes: true }.wants(job, d)
    }
}

/// What `--fix` did, or would do, to one file.
pub(crate) struct FileFix {
    pub(crate) abs: PathBuf,
    pub(crate) display: String,
    pub(crate) before: String,
    pub(crate) after: String,
    /// Findings fixed.
    pub(crate) fixed: usize,
    /// The rules whose fix would have left the file unparseable (dropped).
    pub(crate) broken: Vec<&'static str>,
}

/// The jobs of a run, by file.
pub(crate) fn by_file(jobs: &[Job]) -> HashMap<&Path, &Job> {
    jobs.iter().map(|j| (j.abs.as_path(), j)).collect()
}

/// Runs the fix loop over every file of `report` that has a finding `mode` fixes.
pub(crate) fn fix_files(
    report: &Report,
    jobs: &HashMap<&Path, &Job>,
    mode: Mode,
    rules: &[RuleInfo],
) -> Vec<FileFix> {
    let mut out = Vec::new();
    for file in &report.files {
        let Some(&job) = jobs.get(file.abs.as_path()) else {
            continue;
        };
        if !file.diagnostics.iter().any(|d| mode.wants(job, d)) {
            continue;
        }
        let relint_alone = |text: &str| relint_for_fix(job, text, rules);
        let done = fixes::fix_text(&file.source, file.diagnostics.clone(), relint_alone, |d| {
            mode.wants(job, d)
        });
        out.push(FileFix {
            abs: file.abs.clone(),
            display: file.display.clone(),
            before: file.source.to_string(),
            after: done.text,
            fixed: done.fixed.len(),
            broken: done.broken,
        });
    }
    out
}

/// Replaces the file at `path` with `text` through a temporary file in the same folder
/// and a rename, keeping its permissions, so a reader never sees half a file.
pub(crate) fn write_atomically(path: &Path, text: &str) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.aio-lint-{}.tmp", std::process::id()));
    let result = (|| {
        let permissions = std::fs::metadata(path)?.permissions();
        std::fs::write(&tmp, text)?;
        std::fs::set_permissions(&tmp, permissions)?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// A unified diff of one file (`--- a/path`, `+++ b/path`, three lines of context).
pub(crate) fn unified_diff(display: &str, before: &str, after: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{display}"), &format!("b/{display}"))
        .to_string()
}

/// "3 fixed, 2 remaining (1 more with --unsafe-fixes)"; with `--diff`, "3 would be
/// fixed, ...".
pub(crate) fn summary(fixed: usize, remaining: usize, more_unsafe: usize, diff: bool) -> String {
    let mut s = if diff {
        format!("{fixed} would be fixed, {remaining} remaining")
    } else {
        format!("{fixed} fixed, {remaining} remaining")
    };
    if more_unsafe > 0 {
        s.push_str(&format!(" ({more_unsafe} more with --unsafe-fixes)"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_names_the_unsafe_fixes_only_when_there_are_some() {
        assert_eq!(
            summary(3, 2, 1, false),
            "3 fixed, 2 remaining (1 more with --unsafe-fixes)"
        );
        assert_eq!(summary(0, 0, 0, false), "0 fixed, 0 remaining");
        assert_eq!(summary(1, 0, 0, true), "1 would be fixed, 0 remaining");
    }

    #[test]
    fn the_diff_is_unified_with_both_names() {
        let d = unified_diff("src/a.rs", "a\nb\nc\n", "a\nB\nc\n");
        assert_eq!(
            d,
            "--- a/src/a.rs\n+++ b/src/a.rs\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"
        );
        assert_eq!(unified_diff("x", "same\n", "same\n"), "");
    }

    #[test]
    fn writes_replace_the_file_and_keep_its_permissions() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("a.rs");
        std::fs::write(&path, "old").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        }
        write_atomically(&path, "new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o640);
        }
        let names: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file is left behind");
        // A file that is gone cannot be replaced, and leaves nothing behind either.
        let gone = tmp.path().join("gone.rs");
        assert!(write_atomically(&gone, "x").is_err());
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
    }
}
