//! Configuration: the `aio-lint` tables (`[workspace.metadata.aio-lint]`,
//! `[package.metadata.aio-lint]`, or a whole `aio-lint.toml`), checked against the rule
//! rule list, and merged into the [`Settings`] that apply to one file.
//!
//! Errors name the file, line and column. This module does not find the files (that is
//! `manifest`), and it knows rule names only through the rule list.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobMatcher};
use serde::Deserialize;
use toml::Spanned;

use crate::Level;
use crate::cli::seam::{FileOptions, RuleInfo, Runtime, RuntimeFeatures};
use crate::source::LineIndex;

/// The keys of one `aio-lint` table, as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawConfig {
    #[serde(default)]
    allow: Vec<Spanned<String>>,
    #[serde(default)]
    warn: Vec<Spanned<String>>,
    #[serde(default)]
    deny: Vec<Spanned<String>>,
    #[serde(default)]
    blocking: Vec<String>,
    #[serde(default)]
    offload: Vec<String>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    /// The rules `--fix` may fix (default: every rule); the nearest table that says wins.
    fixable: Option<Vec<Spanned<String>>>,
    /// Rules `--fix` never fixes (accumulates).
    #[serde(default)]
    unfixable: Vec<Spanned<String>>,
    /// Rules whose unsafe fixes count as safe (accumulates).
    #[serde(default, rename = "extend-safe-fixes")]
    extend_safe_fixes: Vec<Spanned<String>>,
}

/// A configuration error: file, 1-based line and column, message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ConfigError {
    pub(crate) file: PathBuf,
    pub(crate) line: usize,
    pub(crate) column: usize,
    pub(crate) message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file.display(),
            self.line,
            self.column,
            self.message
        )
    }
}

impl ConfigError {
    /// An error at byte offset `at` of `text`.
    pub(crate) fn at(file: &Path, text: &str, at: usize, message: String) -> Self {
        let pos = LineIndex::new(text).line_col(text, at);
        ConfigError {
            file: file.to_owned(),
            line: pos.line,
            column: pos.column,
            message,
        }
    }

    /// A TOML syntax or shape error.
    pub(crate) fn from_toml(file: &Path, text: &str, e: &toml::de::Error) -> Self {
        let at = e.span().map_or(0, |s| s.start);
        Self::at(
            file,
            text,
            at,
            format!("invalid configuration: {}", e.message().trim_end()),
        )
    }
}

/// One checked `aio-lint` table and the folder its globs are relative to.
#[derive(Debug, Clone, Default)]
pub(crate) struct Layer {
    /// `Some(level)` to set a level, `None` to allow (turn the rule off).
    levels: BTreeMap<&'static str, Option<Level>>,
    blocking: Vec<String>,
    offload: Vec<String>,
    exclude: Vec<(PathBuf, GlobMatcher)>,
    fixable: Option<BTreeSet<&'static str>>,
    unfixable: BTreeSet<&'static str>,
    extend_safe: BTreeSet<&'static str>,
}

/// The rules of a fix list, checked against the rule list.
fn rule_set(
    names: &[Spanned<String>],
    key: &str,
    file: &Path,
    text: &str,
    rules: &[RuleInfo],
) -> Result<BTreeSet<&'static str>, ConfigError> {
    names
        .iter()
        .map(|name| {
            lookup(rules, name.get_ref()).ok_or_else(|| {
                ConfigError::at(
                    file,
                    text,
                    name.span().start,
                    unknown_rule_message(rules, name.get_ref(), key),
                )
            })
        })
        .collect()
}

/// Checks `raw` (read from `file`, whose text is `text`) against the rule list.
pub(crate) fn check(
    raw: RawConfig,
    base: &Path,
    file: &Path,
    text: &str,
    rules: &[RuleInfo],
) -> Result<Layer, ConfigError> {
    let mut layer = Layer {
        blocking: raw.blocking,
        offload: raw.offload,
        fixable: raw
            .fixable
            .as_deref()
            .map(|f| rule_set(f, "fixable", file, text, rules))
            .transpose()?,
        unfixable: rule_set(&raw.unfixable, "unfixable", file, text, rules)?,
        extend_safe: rule_set(
            &raw.extend_safe_fixes,
            "extend-safe-fixes",
            file,
            text,
            rules,
        )?,
        ..Layer::default()
    };
    let mut seen: BTreeMap<&'static str, &'static str> = BTreeMap::new();
    for (key, level, names) in [
        ("allow", None, &raw.allow),
        ("warn", Some(Level::Warn), &raw.warn),
        ("deny", Some(Level::Deny), &raw.deny),
    ] {
        for name in names {
            let err = |message| ConfigError::at(file, text, name.span().start, message);
            let rule = lookup(rules, name.get_ref())
                .ok_or_else(|| err(unknown_rule_message(rules, name.get_ref(), key)))?;
            if let Some(other) = seen.insert(rule, key) {
                return Err(err(format!(
                    "rule `{rule}` is listed in both `{other}` and `{key}`"
                )));
            }
            layer.levels.insert(rule, level);
        }
    }
    for glob in &raw.exclude {
        let matcher = GlobBuilder::new(glob.get_ref())
            .literal_separator(true)
            .build()
            .map_err(|e| {
                ConfigError::at(
                    file,
                    text,
                    glob.span().start,
                    format!("invalid glob in `exclude`: {}", e.kind()),
                )
            })?
            .compile_matcher();
        layer.exclude.push((base.to_owned(), matcher));
    }
    Ok(layer)
}

/// Finds a rule by name (`aio::` prefix allowed), returning its static name.
pub(crate) fn lookup(rules: &[RuleInfo], name: &str) -> Option<&'static str> {
    let name = name.strip_prefix("aio::").unwrap_or(name);
    rules.iter().find(|r| r.name == name).map(|r| r.name)
}

/// "unknown rule `x` in `deny` (did you mean `y`?)".
pub(crate) fn unknown_rule_message(rules: &[RuleInfo], name: &str, context: &str) -> String {
    match closest(rules, name) {
        Some(near) => format!("unknown rule `{name}` in `{context}` (did you mean `{near}`?)"),
        None => format!("unknown rule `{name}` in `{context}` (`cargo aio-lint rules` lists them)"),
    }
}

/// The rule name closest to `name` by edit distance, if close enough to be a typo.
pub(crate) fn closest(rules: &[RuleInfo], name: &str) -> Option<&'static str> {
    rules
        .iter()
        .map(|r| (edit_distance(r.name, name), r.name))
        .filter(|&(d, n)| d <= 3.max(n.len() / 4))
        .min()
        .map(|(_, n)| n)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, &cb) in b.iter().enumerate() {
            cur.push(
                (prev[j] + usize::from(ca != cb))
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1),
            );
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Everything configuration decides for one file.
#[derive(Debug, Clone, Default)]
pub(crate) struct Settings {
    levels: BTreeMap<&'static str, Option<Level>>,
    exclude: Vec<(PathBuf, GlobMatcher)>,
    fixable: Option<BTreeSet<&'static str>>,
    unfixable: BTreeSet<&'static str>,
    extend_safe: BTreeSet<&'static str>,
    /// What the engine is told.
    pub(crate) options: FileOptions,
    /// What the fixes are told beside the runtime.
    pub(crate) features: RuntimeFeatures,
}

impl Settings {
    /// Merges `layers`, outermost first: a later (nearer) layer's level for a rule wins;
    /// `blocking`, `offload` and `exclude` accumulate.
    pub(crate) fn merge<'a>(layers: impl IntoIterator<Item = &'a Layer>, runtime: Runtime) -> Self {
        let mut s = Settings {
            options: FileOptions {
                runtime,
                ..FileOptions::default()
            },
            ..Settings::default()
        };
        for layer in layers {
            s.levels.extend(layer.levels.iter().map(|(k, v)| (*k, *v)));
            s.options
                .extra_blocking
                .extend(layer.blocking.iter().cloned());
            s.options
                .extra_offload
                .extend(layer.offload.iter().cloned());
            s.exclude.extend(layer.exclude.iter().cloned());
            if layer.fixable.is_some() {
                s.fixable.clone_from(&layer.fixable);
            }
            s.unfixable.extend(&layer.unfixable);
            s.extend_safe.extend(&layer.extend_safe);
        }
        s.options.extra_blocking.sort();
        s.options.extra_blocking.dedup();
        s.options.extra_offload.sort();
        s.options.extra_offload.dedup();
        s
    }

    /// The level of `rule` for this file given the engine's `default`; `None` = allowed.
    pub(crate) fn level(&self, rule: &str, default: Level) -> Option<Level> {
        match self.levels.get(rule) {
            Some(configured) => *configured,
            None => Some(default),
        }
    }

    /// Whether `--fix` may fix findings of `rule` (`fixable`, `unfixable`).
    pub(crate) fn fixable(&self, rule: &str) -> bool {
        self.fixable.as_ref().is_none_or(|f| f.contains(rule)) && !self.unfixable.contains(rule)
    }

    /// Whether `rule`'s unsafe fixes count as safe (`extend-safe-fixes`).
    pub(crate) fn safe_extended(&self, rule: &str) -> bool {
        self.extend_safe.contains(rule)
    }

    /// Whether an `exclude` glob matches `path` or one of its folders (globs are relative
    /// to the folder of the file that declares them).
    pub(crate) fn excludes(&self, path: &Path) -> bool {
        self.exclude.iter().any(|(base, glob)| {
            let Ok(rel) = path.strip_prefix(base) else {
                return false;
            };
            rel.ancestors()
                .filter(|a| !a.as_os_str().is_empty())
                .any(|a| glob.is_match(a))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::seam::rules;

    fn layer(text: &str) -> Result<Layer, ConfigError> {
        let raw: RawConfig = toml::from_str(text)
            .map_err(|e| ConfigError::from_toml(Path::new("aio-lint.toml"), text, &e))?;
        check(
            raw,
            Path::new("/p"),
            Path::new("aio-lint.toml"),
            text,
            rules(),
        )
    }

    #[test]
    fn unknown_rule_is_reported_with_line_column_and_suggestion() {
        let e = layer("warn = []\ndeny = [\"parse_eror\"]\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 9));
        assert!(
            e.message
                .contains("unknown rule `parse_eror` in `deny` (did you mean `parse_error`?)"),
            "{e}"
        );
    }

    #[test]
    fn malformed_toml_and_unknown_keys_are_errors_with_lines() {
        let e = layer("allow = [\n  \"parse_error\",\n  oops\n]\n").unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        let e = layer("\n\nalow = []\n").unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        assert!(e.message.contains("alow"), "{e}");
        let e = layer("exclude = [\"a/[\"]\n").unwrap_err();
        assert_eq!((e.line, e.column), (1, 12), "{e}");
    }

    #[test]
    fn a_rule_in_two_lists_is_an_error() {
        let e = layer("allow = [\"parse_error\"]\ndeny = [\"aio::parse_error\"]\n").unwrap_err();
        assert!(e.message.contains("both `allow` and `deny`"), "{e}");
    }

    #[test]
    fn nearer_layers_win_and_lists_accumulate() {
        let outer =
            layer("deny = [\"parse_error\"]\nblocking = [\"a::b\"]\nexclude = [\"gen/**\"]")
                .unwrap();
        let inner = layer("allow = [\"parse_error\"]\nblocking = [\"c::d\", \"a::b\"]").unwrap();
        let s = Settings::merge([&outer, &inner], Runtime::Tokio);
        assert_eq!(s.level("parse_error", Level::Warn), None);
        assert_eq!(
            s.level("unused_suppression", Level::Warn),
            Some(Level::Warn)
        );
        assert_eq!(s.options.extra_blocking, ["a::b", "c::d"]);
        assert!(s.excludes(Path::new("/p/gen/x/y.rs")));
        assert!(!s.excludes(Path::new("/p/src/gen.rs")));
        assert!(!s.excludes(Path::new("/q/gen/y.rs")));
        let s = Settings::merge([&inner, &outer], Runtime::Tokio);
        assert_eq!(s.level("parse_error", Level::Warn), Some(Level::Deny));
    }

    #[test]
    fn exclude_matches_folders_too() {
        let l = layer("exclude = [\"generated\", \"*.pb.rs\"]").unwrap();
        let s = Settings::merge([&l], Runtime::Unknown);
        assert!(s.excludes(Path::new("/p/generated/a.rs")));
        assert!(s.excludes(Path::new("/p/x.pb.rs")));
        assert!(
            !s.excludes(Path::new("/p/src/x.pb.rs")),
            "`*` does not cross folders"
        );
    }
}

#[cfg(test)]
mod closest_tests {
    #[test]
    fn typos_find_the_rule() {
        let rules = crate::cli::seam::rules();
        assert_eq!(super::edit_distance("blocking_sleep", "blocking_slep"), 1);
        assert_eq!(
            super::closest(rules, "blocking_slep"),
            Some("blocking_sleep")
        );
        assert_eq!(
            super::closest(rules, "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"),
            None
        );
    }
}
