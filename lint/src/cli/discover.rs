//! Which files to lint: the members of the current cargo workspace (from `cargo metadata
//! --no-deps`) or the paths given, walked with the `ignore` crate (honouring .gitignore and
//! .ignore files even outside a git repository, skipping hidden entries and cargo `target/`
//! folders), keeping `*.rs` files. `--no-ignore` keeps everything.
//!
//! Problems met while walking (permission denied, a vanished folder) are returned with
//! their path so the driver reports them as findings; nothing here reads a Rust file.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use crate::cli::manifest::PackageInfo;

/// What discovery found.
#[derive(Debug, Default)]
pub(crate) struct Discovered {
    /// Absolute, lexically normalised, sorted, without duplicates.
    pub(crate) files: BTreeSet<PathBuf>,
    /// Files named on the command line (never excluded by configuration).
    pub(crate) explicit: BTreeSet<PathBuf>,
    /// Paths that could not be walked, with the reason.
    pub(crate) errors: Vec<(PathBuf, String)>,
    /// Problems without a path (e.g. an unreadable .gitignore), shown as warnings.
    pub(crate) warnings: Vec<String>,
    /// Packages described by `cargo metadata` (workspace mode only).
    pub(crate) packages: Vec<PackageInfo>,
    /// The cargo workspace root the paths are shown relative to (see [`workspace_root`]).
    pub(crate) root: Option<PathBuf>,
}

/// Options of one discovery.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Walk<'a> {
    pub(crate) cwd: &'a Path,
    pub(crate) no_ignore: bool,
    pub(crate) manifest_path: Option<&'a Path>,
}

/// How a path is shown: relative to `cwd` when it lies under it, else as given.
pub(crate) fn display_path(path: &Path, cwd: &Path) -> String {
    let shown = path.strip_prefix(cwd).unwrap_or(path);
    let s = shown.to_string_lossy();
    if s.is_empty() {
        ".".to_owned()
    } else {
        s.into_owned()
    }
}

/// The root of the cargo workspace `dir` is in, found as cargo does without running it:
/// the nearest ancestor (`dir` included) whose `Cargo.toml` has a `[workspace]` table,
/// else the nearest one with a `Cargo.toml` (a package is its own workspace); `None`
/// outside any package.
pub(crate) fn workspace_root(dir: &Path) -> Option<PathBuf> {
    let mut package = None;
    for d in dir.ancestors() {
        let Ok(text) = std::fs::read_to_string(d.join("Cargo.toml")) else {
            continue;
        };
        if text
            .parse::<toml::Table>()
            .is_ok_and(|t| t.contains_key("workspace"))
        {
            return Some(d.to_owned());
        }
        package.get_or_insert_with(|| d.to_owned());
    }
    package
}

/// `base.join(path)` with `.` and `..` resolved lexically (symlinks are not resolved, so
/// paths are shown as the user wrote them).
pub(crate) fn absolute(base: &Path, path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in base.join(path).components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Finds the files to lint; `Err` is a usage or I/O error (exit code 2).
pub(crate) fn discover(paths: &[PathBuf], walk: Walk<'_>) -> Result<Discovered, String> {
    let mut found = Discovered::default();
    let roots: Vec<PathBuf> = if paths.is_empty() {
        let mut cmd = cargo_metadata::MetadataCommand::new();
        cmd.no_deps().current_dir(walk.cwd);
        if let Some(m) = walk.manifest_path {
            cmd.manifest_path(absolute(walk.cwd, m));
        }
        let meta = cmd.exec().map_err(|e| {
            format!("cannot read the cargo workspace: {e}\n(outside a cargo workspace, give the files or folders to lint)")
        })?;
        found.root = Some(PathBuf::from(meta.workspace_root.as_std_path()));
        let mut roots = Vec::new();
        for p in &meta.packages {
            if !meta.workspace_members.contains(&p.id) {
                continue;
            }
            let manifest = PathBuf::from(p.manifest_path.as_std_path());
            roots.push(manifest.parent().unwrap_or(Path::new("/")).to_owned());
            found.packages.push(PackageInfo {
                id: p.id.repr.clone(),
                manifest_path: manifest,
                targets: p
                    .targets
                    .iter()
                    .filter_map(|t| serde_json::to_value(t).ok())
                    .collect(),
            });
        }
        roots
    } else {
        found.root = workspace_root(walk.cwd);
        paths.iter().map(|p| absolute(walk.cwd, p)).collect()
    };
    for root in roots {
        let meta = std::fs::metadata(&root).map_err(|e| format!("{}: {e}", root.display()))?;
        if !meta.is_dir() {
            found.explicit.insert(root.clone());
            found.files.insert(root);
            continue;
        }
        walk_dir(&root, walk.no_ignore, &mut found);
    }
    Ok(found)
}

fn is_cargo_target_dir(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == "target")
        && (path.join("CACHEDIR.TAG").is_file()
            || path
                .parent()
                .is_some_and(|p| p.join("Cargo.toml").is_file()))
}

fn walk_dir(root: &Path, no_ignore: bool, found: &mut Discovered) {
    let mut builder = ignore::WalkBuilder::new(root);
    builder
        .standard_filters(!no_ignore)
        .require_git(false)
        .follow_links(false);
    if !no_ignore {
        builder.filter_entry(|e| {
            e.depth() == 0
                || !(e.file_type().is_some_and(|t| t.is_dir()) && is_cargo_target_dir(e.path()))
        });
    }
    for entry in builder.build() {
        match entry {
            Ok(e) => {
                let is_dir = e.file_type().is_some_and(|t| t.is_dir());
                if e.depth() > 0 && !is_dir && e.path().extension().is_some_and(|x| x == "rs") {
                    found.files.insert(e.path().to_owned());
                }
            }
            Err(err) => match error_path(&err) {
                Some((path, message)) => found.errors.push((path, message)),
                None => found.warnings.push(err.to_string()),
            },
        }
    }
}

/// The path an `ignore` error is about, and a message without the path.
fn error_path(err: &ignore::Error) -> Option<(PathBuf, String)> {
    match err {
        ignore::Error::WithPath { path, err } => Some((path.clone(), err.to_string())),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Loop { child, ancestor } => Some((
            child.clone(),
            format!("symlink loop back to {}", ancestor.display()),
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_normalisation() {
        assert_eq!(
            absolute(Path::new("/w"), Path::new("./a/../b/./c.rs")),
            Path::new("/w/b/c.rs")
        );
        assert_eq!(
            absolute(Path::new("/w"), Path::new("/x/y")),
            Path::new("/x/y")
        );
    }
}
