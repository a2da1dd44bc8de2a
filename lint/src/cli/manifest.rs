//! What the folders around a linted file say about it: the nearest Cargo.toml (runtime,
//! package identity and targets for the JSON format) and the configuration layers found
//! upward (`[workspace.metadata.aio-lint]`, `[package.metadata.aio-lint]`, `aio-lint.toml`).
//!
//! Results are cached per folder, so a tree of thousands of files reads each manifest
//! once. This module reads files but never walks folders downward and never lints.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::cli::config::{self, ConfigError, Layer, RawConfig, Settings};
use crate::cli::seam::{RuleInfo, Runtime, RuntimeFeatures};

/// The package a file belongs to, in cargo's terms.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PackageInfo {
    /// Cargo's package id (`path+file:///dir#name@version`).
    pub(crate) id: String,
    /// Absolute path of the Cargo.toml.
    pub(crate) manifest_path: PathBuf,
    /// Cargo `target` objects, as `cargo metadata` and `compiler-message` show them.
    pub(crate) targets: Vec<Value>,
}

impl PackageInfo {
    /// The target `file` most likely belongs to: the one whose `src_path` is the file,
    /// else the one whose source folder is the nearest ancestor of the file, else the first.
    pub(crate) fn target_for(&self, file: &Path) -> Value {
        let src = |t: &Value| PathBuf::from(t["src_path"].as_str().unwrap_or_default());
        if let Some(t) = self.targets.iter().find(|t| src(t) == file) {
            return t.clone();
        }
        let depth = |t: &Value| {
            let s = src(t);
            let dir = s.parent().unwrap_or(Path::new(""));
            file.starts_with(dir).then(|| dir.components().count())
        };
        let mut best: Option<(usize, &Value)> = None;
        for t in &self.targets {
            if let Some(d) = depth(t)
                && best.is_none_or(|(bd, _)| d > bd)
            {
                best = Some((d, t));
            }
        }
        best.map(|(_, t)| t)
            .or(self.targets.first())
            .cloned()
            .unwrap_or(Value::Null)
    }

    /// The stand-in for a file outside any cargo package: a package named after the
    /// file's folder, version 0.0.0, with one `bin` target whose source is the file
    /// (what `rustc file.rs` would build).
    pub(crate) fn standalone(file: &Path) -> PackageInfo {
        let dir = file.parent().unwrap_or(Path::new("/"));
        let stem = file
            .file_stem()
            .map_or_else(|| "main".into(), |s| s.to_string_lossy().replace('-', "_"));
        PackageInfo {
            id: format!("path+file://{}#0.0.0", dir.display()),
            manifest_path: dir.join("Cargo.toml"),
            targets: vec![target_json("bin", &stem, file, "2024")],
        }
    }
}

/// `*.rs` files and `*/main.rs` in `folder`, by target name, sorted.
fn auto_targets(folder: &Path) -> Vec<(String, PathBuf)> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut out: Vec<(String, PathBuf)> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let path = e.path();
            let name = path.file_stem()?.to_string_lossy().into_owned();
            if path.is_dir() {
                let main = path.join("main.rs");
                main.is_file().then_some((name, main))
            } else {
                (path.extension()? == "rs").then_some((name, path))
            }
        })
        .collect();
    out.sort();
    out
}

fn target_json(kind: &str, name: &str, src_path: &Path, edition: &str) -> Value {
    json!({
        "kind": [kind],
        "crate_types": [if kind == "lib" { "lib" } else { "bin" }],
        "name": name,
        "src_path": src_path.to_string_lossy(),
        "edition": edition,
        "doctest": kind == "lib",
        "test": true,
        "doc": true,
    })
}

#[derive(Debug, Default, Deserialize)]
struct Manifest {
    package: Option<ManifestPackage>,
    workspace: Option<ManifestWorkspace>,
    #[serde(default)]
    dependencies: BTreeMap<String, toml::Value>,
    #[serde(default, rename = "dev-dependencies")]
    dev_dependencies: BTreeMap<String, toml::Value>,
    #[serde(default)]
    target: BTreeMap<String, TargetDeps>,
    lib: Option<ManifestTarget>,
    #[serde(default)]
    bin: Vec<ManifestTarget>,
}

#[derive(Debug, Default, Deserialize)]
struct TargetDeps {
    #[serde(default)]
    dependencies: BTreeMap<String, toml::Value>,
    #[serde(default, rename = "dev-dependencies")]
    dev_dependencies: BTreeMap<String, toml::Value>,
}

#[derive(Debug, Default, Deserialize)]
struct ManifestTarget {
    name: Option<String>,
    path: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct ManifestPackage {
    name: Option<String>,
    version: Option<toml::Value>,
    edition: Option<toml::Value>,
    metadata: Option<Metadata>,
}

#[derive(Debug, Default, Deserialize)]
struct ManifestWorkspace {
    package: Option<WorkspacePackage>,
    metadata: Option<Metadata>,
    members: Option<Vec<String>>,
    exclude: Option<Vec<String>>,
}

/// A `[workspace]` table's folder and which folders below it are its members.
#[derive(Debug)]
struct WorkspaceRoot {
    dir: PathBuf,
    members: Vec<String>,
    exclude: Vec<String>,
}

impl WorkspaceRoot {
    /// Whether the package in `dir` is a member: the root itself, or a folder one of the
    /// `members` globs names and no `exclude` entry does (path dependencies that are not
    /// listed are not counted).
    fn has_member(&self, dir: &Path) -> bool {
        if dir == self.dir {
            return true;
        }
        let Ok(rel) = dir.strip_prefix(&self.dir) else {
            return false;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        let named = |globs: &[String]| {
            globs
                .iter()
                .any(|g| path_glob(g.trim_end_matches('/'), &rel))
        };
        named(&self.members) && !named(&self.exclude)
    }
}

/// A cargo `members` glob against a relative path: `*` within one segment, `**` any.
fn path_glob(pattern: &str, path: &str) -> bool {
    let pat: Vec<&str> = pattern
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    fn go(pat: &[&str], segs: &[&str]) -> bool {
        match (pat.first(), segs.first()) {
            (None, None) => true,
            (Some(&"**"), _) => go(&pat[1..], segs) || (!segs.is_empty() && go(pat, &segs[1..])),
            (Some(p), Some(s)) => {
                segment_glob(p.as_bytes(), s.as_bytes()) && go(&pat[1..], &segs[1..])
            }
            _ => false,
        }
    }
    go(&pat, &segs)
}

/// `*` (any run) and `?` (one character) within one path segment.
fn segment_glob(p: &[u8], s: &[u8]) -> bool {
    match (p.first(), s.first()) {
        (None, None) => true,
        (Some(b'*'), _) => segment_glob(&p[1..], s) || (!s.is_empty() && segment_glob(p, &s[1..])),
        (Some(b'?'), Some(_)) => segment_glob(&p[1..], &s[1..]),
        (Some(a), Some(b)) if a == b => segment_glob(&p[1..], &s[1..]),
        _ => false,
    }
}

#[derive(Debug, Default, Deserialize, Clone)]
struct WorkspacePackage {
    version: Option<String>,
    edition: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct Metadata {
    #[serde(rename = "aio-lint")]
    aio_lint: Option<RawConfig>,
}

/// What one folder contributes, inherited by everything below it.
#[derive(Debug, Default)]
pub(crate) struct DirInfo {
    layers: Vec<Arc<Layer>>,
    workspace_package: Option<Arc<WorkspacePackage>>,
    /// The nearest `[workspace]` at or above the folder.
    workspace: Option<Arc<WorkspaceRoot>>,
    /// The workspace of the nearest package: its root folder, or the package's own folder
    /// when it is no member of the workspace above it.
    workspace_id: Option<String>,
    /// The edition of the nearest package.
    edition: Option<u16>,
    runtime: Runtime,
    features: RuntimeFeatures,
    /// The nearest package at or above the folder.
    pub(crate) package: Option<Arc<PackageInfo>>,
    /// The merged configuration for files in the folder.
    pub(crate) settings: Arc<Settings>,
}

/// The per-folder cache.
pub(crate) struct Context<'r> {
    rules: &'r [RuleInfo],
    dirs: HashMap<PathBuf, Arc<DirInfo>>,
    /// Packages as `cargo metadata` described them, by manifest path (preferred over
    /// what this module would work out from the manifest).
    known_packages: HashMap<PathBuf, Arc<PackageInfo>>,
}

/// A configuration or manifest problem that stops the run.
pub(crate) type ContextError = ConfigError;

impl<'r> Context<'r> {
    pub(crate) fn new(rules: &'r [RuleInfo]) -> Self {
        Context {
            rules,
            dirs: HashMap::new(),
            known_packages: HashMap::new(),
        }
    }

    /// Records what `cargo metadata` said about a package.
    pub(crate) fn add_known_package(&mut self, info: PackageInfo) {
        self.known_packages
            .insert(info.manifest_path.clone(), Arc::new(info));
    }

    /// The facts for absolute folder `dir`, reading manifests from the root down as needed.
    pub(crate) fn dir(&mut self, dir: &Path) -> Result<Arc<DirInfo>, ContextError> {
        if let Some(info) = self.dirs.get(dir) {
            return Ok(info.clone());
        }
        // Find the nearest cached ancestor, then fill in downward (no recursion: paths can be deep).
        let mut missing = vec![dir.to_owned()];
        let mut parent_info: Option<Arc<DirInfo>> = None;
        let mut cur = dir;
        while let Some(parent) = cur.parent() {
            if let Some(info) = self.dirs.get(parent) {
                parent_info = Some(info.clone());
                break;
            }
            missing.push(parent.to_owned());
            cur = parent;
        }
        let mut info = parent_info.unwrap_or_default();
        for d in missing.into_iter().rev() {
            info = Arc::new(self.read_dir(&d, &info)?);
            self.dirs.insert(d, info.clone());
        }
        Ok(info)
    }

    fn read_dir(&self, dir: &Path, parent: &DirInfo) -> Result<DirInfo, ContextError> {
        let mut layers = parent.layers.clone();
        let mut workspace_package = parent.workspace_package.clone();
        let mut workspace = parent.workspace.clone();
        let mut workspace_id = parent.workspace_id.clone();
        let mut edition = parent.edition;
        let mut package = parent.package.clone();
        let mut runtime = parent.runtime;
        let mut features = parent.features;
        let mut changed = false;

        let manifest_path = dir.join("Cargo.toml");
        if let Some(text) = read_optional(&manifest_path)? {
            let mut manifest: Manifest = toml::from_str(&text)
                .map_err(|e| ConfigError::from_toml(&manifest_path, &text, &e))?;
            if let Some(ws) = &mut manifest.workspace {
                // Spans inside the table are offsets into the whole manifest's text.
                if let Some(raw) = ws.metadata.as_mut().and_then(|m| m.aio_lint.take()) {
                    layers.push(Arc::new(self.check(raw, dir, &manifest_path, &text)?));
                }
                workspace_package = ws.package.clone().map(Arc::new);
                workspace = Some(Arc::new(WorkspaceRoot {
                    dir: dir.to_owned(),
                    members: ws.members.take().unwrap_or_default(),
                    exclude: ws.exclude.take().unwrap_or_default(),
                }));
            }
            if let Some(p) = &mut manifest.package {
                if let Some(raw) = p.metadata.as_mut().and_then(|m| m.aio_lint.take()) {
                    layers.push(Arc::new(self.check(raw, dir, &manifest_path, &text)?));
                }
                runtime = detect_runtime(&manifest);
                features = detect_features(&manifest);
                let root = match &workspace {
                    Some(w) if w.has_member(dir) => &w.dir,
                    _ => dir,
                };
                workspace_id = Some(root.display().to_string());
                let p = manifest.package.as_ref();
                let ws_edition = workspace_package
                    .as_deref()
                    .and_then(|w| w.edition.as_deref());
                edition = inherited(p.and_then(|p| p.edition.as_ref()), ws_edition, "2015")
                    .parse()
                    .ok();
                package = Some(match self.known_packages.get(&manifest_path) {
                    Some(known) => known.clone(),
                    None => Arc::new(package_info(
                        dir,
                        &manifest_path,
                        &manifest,
                        workspace_package.as_deref(),
                    )),
                });
            }
            changed = true;
        }
        let config_path = dir.join("aio-lint.toml");
        if let Some(text) = read_optional(&config_path)? {
            let raw: RawConfig = toml::from_str(&text)
                .map_err(|e| ConfigError::from_toml(&config_path, &text, &e))?;
            layers.push(Arc::new(config::check(
                raw,
                dir,
                &config_path,
                &text,
                self.rules,
            )?));
            changed = true;
        }
        let settings = if changed {
            let mut s = Settings::merge(layers.iter().map(|l| &**l), runtime);
            s.options.package = package.as_ref().map(|p| p.id.clone());
            s.features = features;
            s.options.workspace = workspace_id.clone();
            s.options.edition = edition;
            Arc::new(s)
        } else {
            parent.settings.clone()
        };
        Ok(DirInfo {
            layers,
            workspace_package,
            workspace,
            workspace_id,
            edition,
            runtime,
            features,
            package,
            settings,
        })
    }

    fn check(
        &self,
        raw: RawConfig,
        dir: &Path,
        file: &Path,
        text: &str,
    ) -> Result<Layer, ConfigError> {
        config::check(raw, dir, file, text, self.rules)
    }
}

/// Reads a file that may legitimately be absent; any other failure is an error.
fn read_optional(path: &Path) -> Result<Option<String>, ContextError> {
    match std::fs::read(path) {
        Ok(bytes) => String::from_utf8(bytes).map(Some).map_err(|e| ConfigError {
            file: path.to_owned(),
            line: 1,
            column: 1,
            message: format!("invalid configuration: not UTF-8 ({e})"),
        }),
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
            ) =>
        {
            Ok(None)
        }
        // A folder named Cargo.toml is not a manifest.
        Err(_) if path.is_dir() => Ok(None),
        Err(e) => Err(ConfigError {
            file: path.to_owned(),
            line: 1,
            column: 1,
            message: format!("cannot read: {e}"),
        }),
    }
}

fn dep_runtime(name: &str, value: &toml::Value) -> Option<Runtime> {
    let name = value
        .get("package")
        .and_then(|p| p.as_str())
        .unwrap_or(name);
    match name {
        "aio" | "aio-runtime" => Some(Runtime::Aio),
        "tokio" => Some(Runtime::Tokio),
        "async-std" => Some(Runtime::AsyncStd),
        "smol" => Some(Runtime::Smol),
        _ => None,
    }
}

/// The runtime a package uses: its own name if it is one, else its `[dependencies]`
/// (including target-specific ones), else its `[dev-dependencies]`; among several, aio,
/// then tokio, async-std, smol.
fn detect_runtime(m: &Manifest) -> Runtime {
    let own = m.package.as_ref().and_then(|p| p.name.as_deref());
    if let Some(rt) = own.and_then(|n| dep_runtime(n, &toml::Value::Boolean(true))) {
        return rt;
    }
    let pick = |deps: &mut dyn Iterator<Item = (&String, &toml::Value)>| {
        deps.filter_map(|(k, v)| dep_runtime(k, v))
            .min_by_key(|rt| *rt as u8)
    };
    let normal = pick(
        &mut m
            .dependencies
            .iter()
            .chain(m.target.values().flat_map(|t| t.dependencies.iter())),
    );
    normal
        .or_else(|| {
            pick(
                &mut m
                    .dev_dependencies
                    .iter()
                    .chain(m.target.values().flat_map(|t| t.dev_dependencies.iter())),
            )
        })
        .unwrap_or(Runtime::Unknown)
}

/// What the fixes need to know about the package's dependencies: tokio's features and
/// whether `futures` is there. A tokio inherited from the workspace (`workspace = true`)
/// counts as having every feature (its list is in the workspace's manifest).
fn detect_features(m: &Manifest) -> RuntimeFeatures {
    let all = m.dependencies.iter().chain(&m.dev_dependencies).chain(
        m.target
            .values()
            .flat_map(|t| t.dependencies.iter().chain(&t.dev_dependencies)),
    );
    let mut f = RuntimeFeatures::default();
    for (key, value) in all {
        let name = value.get("package").and_then(|p| p.as_str()).unwrap_or(key);
        match name {
            "tokio" if value.get("workspace").and_then(toml::Value::as_bool) == Some(true) => {
                f = RuntimeFeatures {
                    futures: f.futures,
                    ..RuntimeFeatures::ALL
                };
            }
            "tokio" => {
                let list = value.get("features").and_then(|v| v.as_array());
                let t = RuntimeFeatures::from_tokio(
                    list.into_iter().flatten().filter_map(|v| v.as_str()),
                );
                f.tokio_time |= t.tokio_time;
                f.tokio_fs |= t.tokio_fs;
                f.tokio_macros |= t.tokio_macros;
            }
            "futures" => f.futures = true,
            _ => {}
        }
    }
    f
}

fn inherited(value: Option<&toml::Value>, from_ws: Option<&str>, default: &str) -> String {
    match value {
        Some(toml::Value::String(s)) => s.clone(),
        Some(_) => from_ws.unwrap_or(default).to_owned(),
        None => default.to_owned(),
    }
}

fn package_info(
    dir: &Path,
    manifest_path: &Path,
    m: &Manifest,
    ws: Option<&WorkspacePackage>,
) -> PackageInfo {
    let p = m.package.as_ref();
    let name = p.and_then(|p| p.name.clone()).unwrap_or_else(|| {
        dir.file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
    });
    let version = inherited(
        p.and_then(|p| p.version.as_ref()),
        ws.and_then(|w| w.version.as_deref()),
        "0.0.0",
    );
    let edition = inherited(
        p.and_then(|p| p.edition.as_ref()),
        ws.and_then(|w| w.edition.as_deref()),
        "2015",
    );
    let dir_name = dir.file_name().map(|n| n.to_string_lossy().into_owned());
    let id = if dir_name.as_deref() == Some(name.as_str()) {
        format!("path+file://{}#{version}", dir.display())
    } else {
        format!("path+file://{}#{name}@{version}", dir.display())
    };
    let crate_name = name.replace('-', "_");
    let mut targets = Vec::new();
    let lib_path = m
        .lib
        .as_ref()
        .and_then(|l| l.path.as_deref())
        .map(|p| dir.join(p))
        .unwrap_or_else(|| dir.join("src/lib.rs"));
    if m.lib.is_some() || lib_path.is_file() {
        let lib_name = m
            .lib
            .as_ref()
            .and_then(|l| l.name.clone())
            .unwrap_or_else(|| crate_name.clone());
        targets.push(target_json("lib", &lib_name, &lib_path, &edition));
    }
    for b in &m.bin {
        let bname = b.name.clone().unwrap_or_else(|| name.clone());
        let path = b
            .path
            .as_deref()
            .map(|p| dir.join(p))
            .unwrap_or_else(|| dir.join(format!("src/bin/{bname}.rs")));
        targets.push(target_json("bin", &bname, &path, &edition));
    }
    if m.bin.is_empty() && dir.join("src/main.rs").is_file() {
        targets.push(target_json(
            "bin",
            &name,
            &dir.join("src/main.rs"),
            &edition,
        ));
    }
    // Cargo's automatic targets: `src/bin/*.rs`, `examples/*.rs`, `tests/*.rs`,
    // `benches/*.rs` (and `<folder>/main.rs` in each).
    for (folder, kind) in [
        ("src/bin", "bin"),
        ("examples", "example"),
        ("tests", "test"),
        ("benches", "bench"),
    ] {
        for (tname, path) in auto_targets(&dir.join(folder)) {
            if !targets
                .iter()
                .any(|t| t["src_path"].as_str() == Some(&*path.to_string_lossy()))
            {
                targets.push(target_json(kind, &tname, &path, &edition));
            }
        }
    }
    if targets.is_empty() {
        targets.push(target_json("lib", &crate_name, &lib_path, &edition));
    }
    PackageInfo {
        id,
        manifest_path: manifest_path.to_owned(),
        targets,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::seam::rules;

    fn manifest(text: &str) -> Manifest {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn runtime_comes_from_dependencies_renames_and_targets() {
        assert_eq!(
            detect_runtime(&manifest(
                "[package]\nname='x'\n[dependencies]\ntokio = '1'\n"
            )),
            Runtime::Tokio
        );
        assert_eq!(
            detect_runtime(&manifest(
                "[package]\nname='x'\n[dependencies]\nrt = { package = 'smol', version = '2' }\n"
            )),
            Runtime::Smol
        );
        assert_eq!(
            detect_runtime(&manifest(
                "[package]\nname='x'\n[target.'cfg(unix)'.dependencies]\nasync-std = '1'\n"
            )),
            Runtime::AsyncStd
        );
        assert_eq!(
            detect_runtime(&manifest(
                "[package]\nname='x'\n[dependencies]\nsmol='2'\ntokio='1'\n"
            )),
            Runtime::Tokio,
            "tokio is preferred over smol"
        );
        assert_eq!(
            detect_runtime(&manifest(
                "[package]\nname='x'\n[dependencies]\nsmol='2'\n[dev-dependencies]\ntokio='1'\n"
            )),
            Runtime::Smol,
            "normal dependencies win over dev-dependencies"
        );
        assert_eq!(
            detect_runtime(&manifest("[package]\nname='tokio'\n")),
            Runtime::Tokio
        );
        assert_eq!(
            detect_runtime(&manifest("[package]\nname='x'\n")),
            Runtime::Unknown
        );
    }

    #[test]
    fn folders_inherit_and_cache_configuration() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::write(root.join("Cargo.toml"), "[workspace]\n[workspace.package]\nversion = '1.2.3'\nedition = '2021'\n[workspace.metadata.aio-lint]\ndeny = ['parse_error']\n").unwrap();
        std::fs::create_dir_all(root.join("a/src/deep")).unwrap();
        std::fs::write(root.join("a/Cargo.toml"), "[package]\nname = 'a'\nversion.workspace = true\nedition.workspace = true\n[dependencies]\ntokio = '1'\n").unwrap();
        std::fs::write(root.join("a/src/lib.rs"), "").unwrap();
        std::fs::write(
            root.join("a/src/deep/aio-lint.toml"),
            "allow = ['parse_error']\n",
        )
        .unwrap();
        let rules = rules();
        let mut cx = Context::new(rules);
        let src = cx.dir(&root.join("a/src")).unwrap();
        assert_eq!(src.settings.options.runtime, Runtime::Tokio);
        assert_eq!(
            src.settings.level("parse_error", crate::Level::Warn),
            Some(crate::Level::Deny)
        );
        let pkg = src.package.clone().unwrap();
        assert_eq!(
            pkg.id,
            format!("path+file://{}#1.2.3", root.join("a").display())
        );
        assert_eq!(pkg.targets[0]["edition"], "2021");
        assert_eq!(
            pkg.target_for(&root.join("a/src/deep/x.rs"))["kind"][0],
            "lib"
        );
        let deep = cx.dir(&root.join("a/src/deep")).unwrap();
        assert_eq!(deep.settings.level("parse_error", crate::Level::Warn), None);
        assert!(Arc::ptr_eq(&cx.dir(&root.join("a/src")).unwrap(), &src));
    }

    #[test]
    fn malformed_manifest_and_metadata_are_errors_with_lines() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(
            tmp.path().join("Cargo.toml"),
            "[package]\nname = 'x'\n\n[package.metadata.aio-lint]\nwarn = ['nope']\n",
        )
        .unwrap();
        let rules = rules();
        let e = Context::new(rules).dir(tmp.path()).unwrap_err();
        assert_eq!((e.line, e.column), (5, 9), "{e}");
        std::fs::write(tmp.path().join("Cargo.toml"), "[package\n").unwrap();
        let e = Context::new(rules).dir(tmp.path()).unwrap_err();
        assert_eq!(e.line, 1, "{e}");
    }

    #[test]
    fn workspace_members_follow_cargo_globs() {
        let ws = WorkspaceRoot {
            dir: PathBuf::from("/w"),
            members: vec!["crates/*".into(), "tools/x?".into(), "deep/**/leaf/".into()],
            exclude: vec!["crates/old".into()],
        };
        for yes in [
            "/w",
            "/w/crates/a",
            "/w/tools/x1",
            "/w/deep/leaf",
            "/w/deep/a/b/leaf",
        ] {
            assert!(ws.has_member(Path::new(yes)), "{yes}");
        }
        for no in [
            "/w/crates/old",
            "/w/crates/a/b",
            "/w/tools/x12",
            "/w/vendor/a",
            "/v/crates/a",
            "/w/deep/leaf/no",
        ] {
            assert!(!ws.has_member(Path::new(no)), "{no}");
        }
    }
}
