//! The server's workspace, owned by its analysis thread: every file of the workspace
//! folders (and every open document) with the facts the engine found in it, so that a
//! change to one file re-runs the workspace pass (the call graph) over all of them and
//! re-publishes whichever files' findings it changed (the callers of a fn that now
//! blocks, in a file nobody edited).
//!
//! Configuration is resolved by the command line's code: the workspace load walks and
//! plans each folder as `cargo aio-lint FOLDER` would, and an edited document's
//! configuration is read afresh (`pipeline::resolve`), so an edit to `aio-lint.toml`
//! counts from the next edit or save on.

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use crossbeam_channel::{Receiver, Sender};
use lsp_server::{Message, Notification};
use lsp_types::notification::{LogMessage, Notification as _, Progress};
use lsp_types::{
    LogMessageParams, MessageType, NumberOrString, ProgressParams, ProgressParamsValue, Uri,
    WorkDoneProgress, WorkDoneProgressBegin, WorkDoneProgressEnd, WorkDoneProgressReport,
};
use rayon::prelude::*;

use crate::Diagnostic;
use crate::cli::discover::{self, Walk};
use crate::cli::manifest::Context;
use crate::cli::pipeline::{self, Job, Linted, STACK_SIZE, plan};
use crate::cli::seam::{self, FileAnalysis, RuleInfo};

/// What every suppression comment has (a text without it has none to apply).
const MARKER: &str = "aio-lint:";

/// What analyses one file's bytes: the command line's `lint_bytes`, or a stand-in in tests.
pub(crate) type Analyzer = fn(&Job, Vec<u8>) -> Linted;

/// What the message thread asks of the analysis thread.
pub(crate) enum Work {
    /// (Re)load the workspace folders: walk them, resolve configuration, analyse every file
    /// (open documents with their editor text). With a progress token, report progress.
    Load {
        folders: Vec<PathBuf>,
        progress: Option<String>,
    },
    /// An open document's text (open, debounced change, save).
    Edit {
        uri: Uri,
        path: PathBuf,
        text: Arc<str>,
        version: i32,
    },
    /// A document was closed: back to the file on disk (in a folder) or forgotten.
    Close { uri: Uri, path: PathBuf },
}

/// Findings to publish for one file.
pub(crate) struct Report {
    pub(crate) uri: Uri,
    /// The document version they are for; `None` for a file that is not open.
    pub(crate) version: Option<i32>,
    pub(crate) findings: Vec<Diagnostic>,
    /// The text the findings' offsets are into.
    pub(crate) text: Arc<str>,
}

/// What a load did, for the end of its progress once its findings are settled.
struct Loaded {
    token: Option<String>,
    started: Instant,
    files: usize,
}

struct Open {
    text: Arc<str>,
    version: i32,
}

struct Entry {
    /// The URI the client knows the file by (made from the path if it was never open).
    uri: Uri,
    /// `None`: configuration excludes the file.
    job: Option<Job>,
    /// Found by the walk of a workspace folder (kept, from disk, when closed).
    in_folder: bool,
    open: Option<Open>,
    /// The engine's result: its own findings, item allows and facts (`None` if the file
    /// never reached the engine).
    analysis: Option<FileAnalysis>,
    /// Findings made outside the engine (unreadable, not UTF-8, panic).
    own: Vec<Diagnostic>,
    /// Whether the text has suppressions to apply (else it is not re-read to settle).
    may_suppress: bool,
    /// What the last workspace pass added to this file.
    linked: Vec<Diagnostic>,
    /// What was last reported.
    reported: Vec<Diagnostic>,
}

pub(crate) struct Workspace {
    analyzer: Analyzer,
    rules: &'static [RuleInfo],
    client: Sender<Message>,
    stop: Arc<AtomicBool>,
    /// Paths in notes are shown relative to this (the first folder's cargo workspace).
    base: PathBuf,
    files: BTreeMap<PathBuf, Entry>,
    pool: Option<rayon::ThreadPool>,
}

/// Runs the analysis thread: takes work in batches (whatever queued up while the last
/// batch ran), of which only the latest text of each document is analysed.
pub(crate) fn run(mut ws: Workspace, work: &Receiver<Work>, done: &Sender<Vec<Report>>) {
    while let Ok(first) = work.recv() {
        let mut batch = vec![first];
        batch.extend(work.try_iter());
        let reports = ws.handle(batch);
        if ws.stop.load(Ordering::Relaxed) || done.send(reports).is_err() {
            break;
        }
    }
}

/// The `file:` URI of an absolute path (percent-encoding all but unreserved bytes and `/`).
pub(crate) fn path_to_uri(path: &Path) -> Uri {
    let mut s = String::from("file://");
    for &b in path.to_string_lossy().as_bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s.parse()
        .unwrap_or_else(|_| "file:///".parse().expect("a valid URI"))
}

/// The file a `file:` URI names (percent-decoded); any other URI (an unsaved `untitled:`
/// buffer) becomes a relative path, linted without configuration.
pub(crate) fn uri_to_path(uri: &Uri) -> PathBuf {
    if !uri.scheme().is_some_and(|s| s.eq_lowercase("file")) {
        return PathBuf::from(uri.as_str().replace([':', '/'], "_"));
    }
    // The parser has checked the percent-encoding; the authority (`localhost` or empty),
    // the query and the fragment are not part of the path.
    let bytes = uri.path().as_estr().decode().into_bytes();
    PathBuf::from(String::from_utf8_lossy(&bytes).into_owned())
}

impl Workspace {
    pub(crate) fn new(analyzer: Analyzer, client: Sender<Message>, stop: Arc<AtomicBool>) -> Self {
        Workspace {
            analyzer,
            rules: seam::rules(),
            client,
            stop,
            base: std::env::current_dir().unwrap_or_default(),
            files: BTreeMap::new(),
            pool: None,
        }
    }

    fn notify<N: lsp_types::notification::Notification>(&self, params: N::Params) {
        let _ = self
            .client
            .send(Notification::new(N::METHOD.to_owned(), params).into());
    }

    fn log(&self, typ: MessageType, message: String) {
        self.notify::<LogMessage>(LogMessageParams { typ, message });
    }

    fn progress(&self, token: Option<&String>, value: WorkDoneProgress) {
        if let Some(token) = token {
            send_progress(&self.client, token, value);
        }
    }

    /// Does one batch of work and returns what to publish.
    fn handle(&mut self, batch: Vec<Work>) -> Vec<Report> {
        let mut always = BTreeSet::new();
        let mut reports = Vec::new();
        let mut loaded = None;
        for (i, work) in batch.iter().enumerate() {
            match work {
                Work::Load { folders, progress } => {
                    loaded = Some(self.load(folders, progress.as_ref(), &mut reports));
                    always.extend(
                        self.files
                            .iter()
                            .filter(|(_, e)| e.open.is_some())
                            .map(|(p, _)| p.clone()),
                    );
                }
                Work::Edit {
                    uri,
                    path,
                    text,
                    version,
                } => {
                    // A later edit of the same document in this batch supersedes this one.
                    let superseded = batch[i + 1..]
                        .iter()
                        .any(|w| matches!(w, Work::Edit { uri: u, .. } if u == uri));
                    if !superseded {
                        self.edit(uri, path, text.clone(), *version);
                        always.insert(path.clone());
                    }
                }
                Work::Close { uri, path } => {
                    if self.close(uri, path) {
                        always.insert(path.clone());
                    } else {
                        always.remove(path);
                        reports.push(Report {
                            uri: uri.clone(),
                            version: None,
                            findings: Vec::new(),
                            text: Arc::from(""),
                        });
                    }
                }
            }
        }
        let changed = self.relink();
        let candidates: BTreeSet<PathBuf> = if loaded.is_some() {
            self.files.keys().cloned().collect()
        } else {
            always.iter().chain(&changed).cloned().collect()
        };
        for path in candidates {
            let (findings, text) = self.settle(&path);
            let Some(e) = self.files.get_mut(&path) else {
                continue;
            };
            if always.contains(&path) || findings != e.reported {
                e.reported = findings.clone();
                reports.push(Report {
                    uri: e.uri.clone(),
                    version: e.open.as_ref().map(|o| o.version),
                    findings,
                    text,
                });
            }
        }
        if let Some(l) = loaded {
            let with_findings = self
                .files
                .values()
                .filter(|e| !e.reported.is_empty())
                .count();
            let message = format!(
                "{} files, {with_findings} with findings, in {:.0} ms",
                l.files,
                l.started.elapsed().as_secs_f64() * 1e3
            );
            self.progress(
                l.token.as_ref(),
                WorkDoneProgress::End(WorkDoneProgressEnd {
                    message: Some(message.clone()),
                }),
            );
            self.log(MessageType::INFO, format!("workspace linted: {message}"));
        }
        reports
    }

    /// Analyses `bytes` as the file of `job`, catching a panic of the analyser.
    fn analyse(&self, job: &Job, bytes: Vec<u8>) -> Linted {
        analyse_with(self.analyzer, &self.client, job, bytes)
    }

    fn edit(&mut self, uri: &Uri, path: &Path, text: Arc<str>, version: i32) {
        let mut errors = Vec::new();
        let job = pipeline::resolve(path, self.rules, &mut errors);
        for e in errors {
            self.log(MessageType::ERROR, e);
        }
        let linted = job
            .as_ref()
            .map(|job| self.analyse(job, text.as_bytes().to_vec()));
        let entry = self.files.entry(path.to_owned()).or_insert_with(|| Entry {
            uri: uri.clone(),
            job: None,
            in_folder: false,
            open: None,
            analysis: None,
            own: Vec::new(),
            may_suppress: false,
            linked: Vec::new(),
            reported: Vec::new(),
        });
        entry.uri = uri.clone();
        entry.job = job;
        entry.set(linted, &text);
        entry.open = Some(Open { text, version });
    }

    /// Returns whether the file stays in the workspace (it is in a folder and on disk).
    fn close(&mut self, uri: &Uri, path: &Path) -> bool {
        let Some(entry) = self.files.get(path) else {
            return false;
        };
        if !entry.in_folder {
            self.files.remove(path);
            return false;
        }
        let Ok(bytes) = std::fs::read(path) else {
            self.files.remove(path);
            return false;
        };
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let linted = entry.job.as_ref().map(|job| self.analyse(job, bytes));
        let Some(entry) = self.files.get_mut(path) else {
            return false;
        };
        entry.uri = uri.clone();
        entry.open = None;
        entry.set(linted, &text);
        true
    }

    /// Walks the folders, resolves configuration and analyses every file in parallel.
    fn load(
        &mut self,
        folders: &[PathBuf],
        token: Option<&String>,
        reports: &mut Vec<Report>,
    ) -> Loaded {
        let started = Instant::now();
        self.progress(
            token,
            WorkDoneProgress::Begin(WorkDoneProgressBegin {
                title: "aio-lint".into(),
                message: Some("linting the workspace".into()),
                percentage: Some(0),
                cancellable: Some(false),
            }),
        );
        let mut jobs = Vec::new();
        let mut cx = Context::new(self.rules);
        if let Some(first) = folders.first() {
            self.base = discover::workspace_root(first).unwrap_or_else(|| first.clone());
        }
        for folder in folders {
            let walk = Walk {
                cwd: folder,
                no_ignore: false,
                manifest_path: None,
            };
            let planned = discover::discover(std::slice::from_ref(folder), walk)
                .and_then(|found| plan(&found, &mut cx, &self.base));
            match planned {
                Ok(found) => jobs.extend(found),
                Err(e) => self.log(
                    MessageType::ERROR,
                    format!("{}: {e} (the folder is not linted)", folder.display()),
                ),
            }
        }
        jobs.sort_by(|a, b| a.abs.cmp(&b.abs));
        jobs.dedup_by(|a, b| a.abs == b.abs);

        let mut old = std::mem::take(&mut self.files);
        let pool = self.pool.take().unwrap_or_else(|| {
            rayon::ThreadPoolBuilder::new()
                .stack_size(STACK_SIZE)
                .thread_name(|i| format!("aio-lint-server-{i}"))
                .build()
                .expect("cannot start the analysis threads")
        });
        let total = jobs.len();
        let (analyzer, client, stop) = (self.analyzer, &self.client, &self.stop);
        let texts: Vec<Option<Arc<str>>> = jobs
            .iter()
            .map(|j| {
                old.get(&j.abs)
                    .and_then(|e| e.open.as_ref().map(|o| o.text.clone()))
            })
            .collect();
        // Progress every tenth of the files, from whichever thread crosses it.
        let done = AtomicUsize::new(0);
        let tick = |client: &Sender<Message>| {
            let n = done.fetch_add(1, Ordering::Relaxed) + 1;
            if n * 10 / total.max(1) > (n - 1) * 10 / total.max(1)
                && let Some(token) = token
            {
                let value = WorkDoneProgress::Report(WorkDoneProgressReport {
                    message: Some(format!("{n}/{total} files")),
                    percentage: Some((n * 100 / total.max(1)) as u32),
                    cancellable: Some(false),
                });
                send_progress(client, token, value);
            }
        };
        let linted: Vec<Option<(Linted, bool)>> = pool.install(|| {
            jobs.par_iter()
                .zip(texts)
                .map(|(job, open)| {
                    if stop.load(Ordering::Relaxed) {
                        return None;
                    }
                    let bytes = match open {
                        Some(text) => text.as_bytes().to_vec(),
                        None => match std::fs::read(&job.abs) {
                            Ok(bytes) => bytes,
                            Err(_) => {
                                tick(client);
                                return Some((pipeline::lint_one(job), false));
                            }
                        },
                    };
                    let may = String::from_utf8_lossy(&bytes).contains(MARKER);
                    let l = analyse_with(analyzer, client, job, bytes);
                    tick(client);
                    Some((l, may))
                })
                .collect()
        });
        for (job, linted) in jobs.into_iter().zip(linted) {
            let Some((l, may)) = linted else {
                continue;
            };
            let (uri, open, reported) = match old.remove(&job.abs) {
                Some(e) => (e.uri, e.open, e.reported),
                None => (path_to_uri(&job.abs), None, Vec::new()),
            };
            let may_suppress = may
                || l.analysis
                    .as_ref()
                    .is_some_and(|a| !a.item_allows.is_empty());
            let abs = job.abs.clone();
            let entry = Entry {
                uri,
                job: Some(job),
                in_folder: true,
                open,
                analysis: l.analysis,
                own: l.own,
                may_suppress,
                linked: Vec::new(),
                reported,
            };
            self.files.insert(abs, entry);
        }
        self.pool = Some(pool);
        // Open documents outside the folders stay, re-linted with today's configuration.
        for (path, e) in std::mem::take(&mut old) {
            match e.open {
                Some(o) => self.edit(&e.uri, &path, o.text, o.version),
                None if !e.reported.is_empty() => reports.push(Report {
                    uri: e.uri,
                    version: None,
                    findings: Vec::new(),
                    text: Arc::from(""),
                }),
                None => {}
            }
        }
        Loaded {
            token: token.cloned(),
            started,
            files: total,
        }
    }

    /// Runs the workspace pass over every file's facts; returns the files whose share of
    /// its findings changed.
    fn relink(&mut self) -> Vec<PathBuf> {
        let mut paths = Vec::new();
        let mut analyses = Vec::new();
        let mut lens = Vec::new();
        for (p, e) in &mut self.files {
            if let Some(a) = e.analysis.take() {
                lens.push(a.diagnostics.len());
                paths.push(p.clone());
                analyses.push(a);
            }
        }
        let base = &self.base;
        if catch_unwind(AssertUnwindSafe(|| {
            seam::link_relative_to(&mut analyses, base)
        }))
        .is_err()
        {
            self.log(
                MessageType::ERROR,
                "internal error: the workspace pass panicked; cross-file findings are incomplete"
                    .into(),
            );
        }
        let mut changed = Vec::new();
        for ((path, mut a), len) in paths.into_iter().zip(analyses).zip(lens) {
            let linked = a.diagnostics.split_off(len.min(a.diagnostics.len()));
            let Some(e) = self.files.get_mut(&path) else {
                continue;
            };
            if linked != e.linked {
                e.linked = linked;
                changed.push(path);
            }
            e.analysis = Some(a);
        }
        changed
    }

    /// The findings of `path` after suppressions and levels, with the text they are in.
    fn settle(&self, path: &Path) -> (Vec<Diagnostic>, Arc<str>) {
        let none = || (Vec::new(), Arc::from(""));
        let Some(e) = self.files.get(path) else {
            return none();
        };
        let Some(job) = &e.job else {
            return none();
        };
        let mut diagnostics = e.own.clone();
        if let Some(a) = &e.analysis {
            diagnostics.extend(a.diagnostics.iter().cloned());
            diagnostics.extend(e.linked.iter().cloned());
        }
        if diagnostics.is_empty() && !e.may_suppress {
            return none();
        }
        let text: Arc<str> = match &e.open {
            Some(o) => o.text.clone(),
            None => Arc::from(std::fs::read_to_string(path).unwrap_or_default()),
        };
        let allows = e.analysis.as_ref().map_or(&[][..], |a| &a.item_allows[..]);
        let settled = catch_unwind(AssertUnwindSafe(|| {
            pipeline::settle(job, diagnostics, allows, &text, self.rules)
        }));
        match settled {
            Ok(findings) => (findings, text),
            Err(payload) => {
                let message = format!(
                    "internal error: the linter panicked on this file ({}); please report it",
                    pipeline::panic_message(payload.as_ref())
                );
                self.log(MessageType::ERROR, format!("{}: {message}", job.display));
                (
                    vec![seam::parse_error(seam::start_of_file(), message)],
                    text,
                )
            }
        }
    }
}

impl Entry {
    fn set(&mut self, linted: Option<Linted>, text: &str) {
        let (analysis, own) = linted.map_or((None, Vec::new()), |l| (l.analysis, l.own));
        self.may_suppress =
            text.contains(MARKER) || analysis.as_ref().is_some_and(|a| !a.item_allows.is_empty());
        self.analysis = analysis;
        self.own = own;
    }
}

fn send_progress(client: &Sender<Message>, token: &str, value: WorkDoneProgress) {
    let params = ProgressParams {
        token: NumberOrString::String(token.to_owned()),
        value: ProgressParamsValue::WorkDone(value),
    };
    let _ = client.send(Notification::new(Progress::METHOD.to_owned(), params).into());
}

/// Runs `analyzer` on one file; a panic (which `lint_bytes` catches itself, a stand-in
/// may not) and a panic the analyser reported are logged and become the file's finding.
fn analyse_with(analyzer: Analyzer, client: &Sender<Message>, job: &Job, bytes: Vec<u8>) -> Linted {
    let lines = pipeline::count_lines(&bytes);
    let linted =
        catch_unwind(AssertUnwindSafe(|| analyzer(job, bytes))).unwrap_or_else(|payload| {
            let what = pipeline::panic_message(payload.as_ref());
            let d = seam::parse_error(
                seam::start_of_file(),
                format!(
                    "internal error: the linter panicked on this file ({what}); please report it"
                ),
            );
            Linted::failed(d, Arc::from(""), lines, true)
        });
    if linted.panicked {
        for d in &linted.own {
            let message = format!("{}: {}", job.display, d.message);
            let _ = client.send(
                Notification::new(
                    LogMessage::METHOD.to_owned(),
                    LogMessageParams {
                        typ: MessageType::ERROR,
                        message,
                    },
                )
                .into(),
            );
        }
    }
    linted
}

#[cfg(test)]
mod tests {
    // The analysis thread's side of the protocol, driven by `handle` directly: what a
    // batch of work reports, and what it tells the client on the way.

    use serde_json::Value;

    use super::*;

    const SLEEPY: &str =
        "async fn handler() {\n    std::thread::sleep(std::time::Duration::from_millis(1));\n}\n";
    const CLEAN: &str = "async fn handler() {\n    let _ = 1;\n}\n";

    /// A cargo package in a temporary folder with `files` (name, text) in `src/`.
    fn package(files: &[(&str, &str)]) -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(
            tmp.path().join("Cargo.toml"),
            "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\ntokio = \"1\"\n",
        )
        .unwrap();
        std::fs::create_dir(tmp.path().join("src")).unwrap();
        for (name, text) in files {
            std::fs::write(tmp.path().join("src").join(name), text).unwrap();
        }
        tmp
    }

    fn workspace() -> (Workspace, Receiver<Message>) {
        let (client, messages) = crossbeam_channel::unbounded();
        let ws = Workspace::new(
            pipeline::lint_bytes,
            client,
            Arc::new(AtomicBool::new(false)),
        );
        (ws, messages)
    }

    fn load(root: &Path, progress: Option<&str>) -> Work {
        Work::Load {
            folders: vec![root.to_owned()],
            progress: progress.map(str::to_owned),
        }
    }

    /// Each report as (file name, version, rules of its findings), sorted by name.
    fn summary(reports: &[Report]) -> Vec<(String, Option<i32>, Vec<&'static str>)> {
        let mut out: Vec<_> = reports
            .iter()
            .map(|r| {
                let name = r.uri.as_str().rsplit('/').next().unwrap().to_owned();
                (name, r.version, r.findings.iter().map(|d| d.rule).collect())
            })
            .collect();
        out.sort();
        out
    }

    /// The notifications sent to the client so far, as (method, params).
    fn sent(messages: &Receiver<Message>) -> Vec<(String, Value)> {
        messages
            .try_iter()
            .filter_map(|m| match m {
                Message::Notification(n) => Some((n.method, n.params)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_load_reports_progress_every_tenth_of_the_files_and_sums_up() {
        let mut files: Vec<(String, &str)> = vec![("f00.rs".into(), SLEEPY)];
        files.extend((1..20).map(|i| (format!("f{i:02}.rs"), "fn f() {}\n")));
        let files: Vec<(&str, &str)> = files.iter().map(|(n, t)| (n.as_str(), *t)).collect();
        let tmp = package(&files);
        let (mut ws, messages) = workspace();
        let reports = ws.handle(vec![load(tmp.path(), Some("t"))]);
        assert_eq!(
            summary(&reports),
            [("f00.rs".to_owned(), None, vec!["blocking_sleep"])],
            "only the file with findings is published"
        );
        let sent = sent(&messages);
        let progress: Vec<&Value> = sent
            .iter()
            .filter(|(m, p)| m == "$/progress" && p["token"] == "t")
            .map(|(_, p)| &p["value"])
            .collect();
        assert_eq!(progress.first().unwrap()["kind"], "begin");
        let end = progress.last().unwrap();
        assert_eq!(end["kind"], "end");
        let summed = end["message"].as_str().unwrap();
        assert!(
            summed.starts_with("20 files, 1 with findings, in "),
            "{summed}"
        );
        let mut reported: Vec<(u64, String)> = progress
            .iter()
            .filter(|v| v["kind"] == "report")
            .map(|v| {
                (
                    v["percentage"].as_u64().unwrap(),
                    v["message"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        reported.sort();
        let every_tenth: Vec<(u64, String)> = (1..=10)
            .map(|k| (k * 10, format!("{}/20 files", 2 * k)))
            .collect();
        assert_eq!(reported, every_tenth);
        assert!(
            sent.iter().any(|(m, p)| m == "window/logMessage"
                && p["message"]
                    .as_str()
                    .unwrap()
                    .starts_with("workspace linted: 20 files, 1 with findings, in ")),
            "{sent:?}"
        );
    }

    #[test]
    fn closing_a_document_of_a_folder_goes_back_to_the_file_on_disk() {
        let tmp = package(&[("a.rs", SLEEPY)]);
        let path = tmp.path().join("src/a.rs");
        let uri = path_to_uri(&path);
        let (mut ws, _messages) = workspace();
        let reports = ws.handle(vec![load(tmp.path(), None)]);
        assert_eq!(
            summary(&reports),
            [("a.rs".to_owned(), None, vec!["blocking_sleep"])]
        );
        let edit = Work::Edit {
            uri: uri.clone(),
            path: path.clone(),
            text: Arc::from(CLEAN),
            version: 1,
        };
        let reports = ws.handle(vec![edit]);
        assert_eq!(summary(&reports), [("a.rs".to_owned(), Some(1), vec![])]);
        let reports = ws.handle(vec![Work::Close { uri, path }]);
        assert_eq!(
            summary(&reports),
            [("a.rs".to_owned(), None, vec!["blocking_sleep"])],
            "the findings of the file on disk again"
        );
    }

    #[test]
    fn a_reload_clears_the_files_that_left_the_workspace() {
        let tmp = package(&[("a.rs", SLEEPY), ("b.rs", CLEAN)]);
        let (mut ws, _messages) = workspace();
        let reports = ws.handle(vec![load(tmp.path(), None)]);
        assert_eq!(
            summary(&reports),
            [("a.rs".to_owned(), None, vec!["blocking_sleep"])]
        );
        std::fs::remove_file(tmp.path().join("src/a.rs")).unwrap();
        std::fs::remove_file(tmp.path().join("src/b.rs")).unwrap();
        let reports = ws.handle(vec![load(tmp.path(), None)]);
        assert_eq!(
            summary(&reports),
            [("a.rs".to_owned(), None, vec![])],
            "a.rs is cleared; b.rs had nothing to clear"
        );
    }

    #[test]
    fn unused_suppressions_are_found_in_files_without_other_findings() {
        let attribute = "#[aio::allow(blocking_sleep)]\nasync fn f() {}\n";
        let comment = "async fn g() {\n    // aio-lint: allow(blocking_sleep)\n    let _ = 1;\n}\n";
        let tmp = package(&[("a.rs", attribute), ("b.rs", comment)]);
        let (mut ws, _messages) = workspace();
        let reports = ws.handle(vec![load(tmp.path(), None)]);
        let unused = |name: &str, version| (name.to_owned(), version, vec![UNUSED]);
        const UNUSED: &str = seam::UNUSED_SUPPRESSION;
        assert_eq!(
            summary(&reports),
            [unused("a.rs", None), unused("b.rs", None)]
        );
        // The same texts as open documents.
        let edits = [("a.rs", attribute), ("b.rs", comment)].map(|(name, text)| {
            let path = tmp.path().join("src").join(name);
            Work::Edit {
                uri: path_to_uri(&path),
                path,
                text: Arc::from(text),
                version: 1,
            }
        });
        let reports = ws.handle(edits.into());
        assert_eq!(
            summary(&reports),
            [unused("a.rs", Some(1)), unused("b.rs", Some(1))]
        );
    }

    #[test]
    fn file_uris_become_paths() {
        let uri = |s: &str| s.parse::<Uri>().unwrap();
        assert_eq!(
            uri_to_path(&uri("file:///home/me/my%20crate/src/l%C3%A9.rs")),
            PathBuf::from("/home/me/my crate/src/lé.rs")
        );
        assert_eq!(
            uri_to_path(&uri("file://localhost/a/b.rs")),
            PathBuf::from("/a/b.rs")
        );
        assert_eq!(
            uri_to_path(&uri("file:///a/100%25.rs")),
            PathBuf::from("/a/100%.rs")
        );
        assert_eq!(
            uri_to_path(&uri("FILE:///a/b.rs?query#fragment")),
            PathBuf::from("/a/b.rs")
        );
        assert!(
            "file:///a/%zz.rs".parse::<Uri>().is_err(),
            "checked by the parser"
        );
        let untitled = uri_to_path(&uri("untitled:Untitled-1"));
        assert!(untitled.is_relative(), "{untitled:?}");
    }
}
