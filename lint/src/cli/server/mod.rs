//! `cargo aio-lint server`: a language server over stdio (LSP 3.17, synchronous, on
//! `lsp-server`'s channels). It lints the workspace folders at startup and each open
//! document as the editor holds it, with the configuration the command line would use
//! for that file, and offers hover docs and code actions on its findings: each finding's
//! fix as `--fix` computes it, "suppress on this line", and `source.fixAll.aio-lint`,
//! which runs `--fix`'s loop over the document's safe fixes.
//!
//! Two threads: this one reads the client's messages, keeps the open documents' text and
//! answers requests; the analysis thread (`workspace.rs`) keeps every file's facts and
//! re-runs the workspace pass after each change. Edits are debounced ([`DEBOUNCE`]), and a
//! result for a version older than the document's is dropped (a newer one is coming).

mod convert;
mod text;
mod workspace;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crossbeam_channel::{Sender, select};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
    DidSaveTextDocument, Initialized, LogMessage, Notification as _, PublishDiagnostics,
};
use lsp_types::request::{
    CodeActionRequest, HoverRequest, RegisterCapability, Request as _, WorkDoneProgressCreate,
};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, DidChangeTextDocumentParams, DidChangeWatchedFilesParams,
    DidChangeWatchedFilesRegistrationOptions, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DidSaveTextDocumentParams, FileSystemWatcher, GlobPattern, Hover,
    HoverContents, HoverParams, HoverProviderCapability, LogMessageParams, MarkupContent,
    MarkupKind, MessageType, NumberOrString, PublishDiagnosticsParams, Registration,
    RegistrationParams, ServerCapabilities, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Uri, WorkDoneProgressCreateParams,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::Diagnostic;
use crate::cli::fix::Mode;
use crate::cli::pipeline::{self, STACK_SIZE};
use crate::cli::seam::{self, fixes};
use convert::Target;
use text::Lines;
pub(crate) use workspace::Analyzer;
use workspace::{Report, Work, Workspace, uri_to_path};

/// How long after the last change of a document its analysis starts.
pub(crate) const DEBOUNCE: Duration = Duration::from_millis(50);

/// The configuration files whose edits re-lint the workspace.
const CONFIG_FILES: [&str; 2] = ["Cargo.toml", "aio-lint.toml"];

/// How the session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// `exit` after `shutdown` (exit code 0).
    Clean,
    /// `exit` without `shutdown`, or the client went away (exit code 1).
    Abrupt,
}

/// Runs the server on stdin and stdout until `exit` or the end of input.
pub(crate) fn run_stdio() -> Ending {
    let (connection, io) = Connection::stdio();
    let ending = serve_with(&connection, pipeline::lint_bytes);
    drop(connection);
    if ending == Ending::Clean {
        // Stdin is done (the reader stops at `exit`): wait for the writer to flush.
        let _ = io.join();
    }
    ending
}

/// Serves one client on `connection` with the command line's pipeline, for tests that
/// drive the server in memory (`Connection::memory()`). Not a stable API.
#[doc(hidden)]
pub fn serve(connection: &Connection) -> Ending {
    serve_with(connection, pipeline::lint_bytes)
}

/// What the client said about itself in `initialize`.
#[derive(Default)]
struct ClientInfo {
    folders: Vec<PathBuf>,
    /// `window.workDoneProgress`: it shows `$/progress` for tokens the server creates.
    progress: bool,
    /// `workspace.didChangeWatchedFiles.dynamicRegistration`.
    watch: bool,
    /// `workspace.workspaceEdit.documentChanges`: it takes edits for a document version.
    versioned: bool,
}

impl ClientInfo {
    fn from_params(p: &Value) -> Self {
        let caps = &p["capabilities"];
        let uris: Vec<&str> = match p["workspaceFolders"].as_array() {
            Some(folders) => folders.iter().filter_map(|f| f["uri"].as_str()).collect(),
            None => p["rootUri"].as_str().into_iter().collect(),
        };
        ClientInfo {
            folders: uris
                .into_iter()
                .filter_map(|u| u.parse::<Uri>().ok())
                .map(|u| uri_to_path(&u))
                .filter(|p| p.is_absolute())
                .collect(),
            progress: caps["window"]["workDoneProgress"] == true,
            watch: caps["workspace"]["didChangeWatchedFiles"]["dynamicRegistration"] == true,
            versioned: caps["workspace"]["workspaceEdit"]["documentChanges"] == true,
        }
    }
}

pub(crate) fn serve_with(connection: &Connection, analyzer: Analyzer) -> Ending {
    let Ok((id, init)) = connection.initialize_start() else {
        return Ending::Abrupt;
    };
    let client = ClientInfo::from_params(&init);
    let result = serde_json::json!({
        "capabilities": capabilities(),
        "serverInfo": { "name": "aio-lint", "version": env!("CARGO_PKG_VERSION") },
    });
    let _ = connection.sender.send(Response::new_ok(id, result).into());
    let (work, work_rx) = crossbeam_channel::unbounded();
    let (done_tx, done) = crossbeam_channel::unbounded();
    let stop = Arc::new(AtomicBool::new(false));
    let ws = Workspace::new(analyzer, connection.sender.clone(), stop.clone());
    let worker = std::thread::Builder::new()
        .name("aio-lint-analysis".into())
        .stack_size(STACK_SIZE)
        .spawn(move || workspace::run(ws, &work_rx, &done_tx));
    let Ok(worker) = worker else {
        return Ending::Abrupt;
    };
    let mut server = Server {
        connection,
        work,
        client,
        documents: HashMap::new(),
        pending: HashMap::new(),
        shut_down: false,
        next_id: 0,
    };
    let ending = server.run(&done);
    stop.store(true, Ordering::Relaxed);
    drop(server);
    let _ = worker.join();
    ending
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..TextDocumentSyncOptions::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![
                CodeActionKind::QUICKFIX,
                CodeActionKind::new(convert::FIX_ALL),
            ]),
            ..CodeActionOptions::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    }
}

/// An open document: the editor's text and the findings on it.
struct Document {
    text: String,
    version: i32,
    findings: Vec<Diagnostic>,
    /// The version `findings` are of (older than `version` while a change is pending).
    analysed: Option<i32>,
}

struct Server<'c> {
    connection: &'c Connection,
    work: Sender<Work>,
    client: ClientInfo,
    documents: HashMap<Uri, Document>,
    /// Changed documents waiting for their debounce to pass, with when it does.
    pending: HashMap<Uri, Instant>,
    shut_down: bool,
    next_id: u32,
}

fn params<P: DeserializeOwned>(value: Value) -> Result<P, String> {
    serde_json::from_value(value).map_err(|e| format!("invalid parameters: {e}"))
}

impl Server<'_> {
    fn run(&mut self, done: &crossbeam_channel::Receiver<Vec<Report>>) -> Ending {
        loop {
            self.flush_due();
            let wait = self
                .pending
                .values()
                .min()
                .map_or(Duration::from_secs(3600), |due| {
                    due.saturating_duration_since(Instant::now())
                });
            select! {
                recv(self.connection.receiver) -> message => match message {
                    Ok(Message::Request(req)) => self.request(req),
                    Ok(Message::Notification(n)) if n.method == "exit" => {
                        return if self.shut_down { Ending::Clean } else { Ending::Abrupt };
                    }
                    Ok(Message::Notification(n)) => self.notification(n),
                    Ok(Message::Response(_)) => {}
                    Err(_) => return Ending::Abrupt,
                },
                recv(done) -> reports => {
                    for r in reports.into_iter().flatten() {
                        self.publish_report(r);
                    }
                }
                default(wait) => {}
            }
        }
    }

    /// Sends the analysis of every document whose debounce has passed.
    fn flush_due(&mut self) {
        let now = Instant::now();
        let due: Vec<Uri> = self
            .pending
            .iter()
            .filter(|(_, at)| **at <= now)
            .map(|(uri, _)| uri.clone())
            .collect();
        for uri in due {
            self.pending.remove(&uri);
            self.analyse(&uri);
        }
    }

    fn send(&self, message: Message) {
        // A closed channel means the client is gone; the receive loop ends on its own.
        let _ = self.connection.sender.send(message);
    }

    /// A number not used before in this session (for request ids and progress tokens).
    fn fresh(&mut self) -> u32 {
        self.next_id += 1;
        self.next_id
    }

    fn send_request(&mut self, method: &str, params: impl serde::Serialize) {
        let id = format!("aio-lint/{}", self.fresh());
        self.send(Request::new(RequestId::from(id), method.to_owned(), params).into());
    }

    fn log(&self, typ: MessageType, message: String) {
        self.send(
            Notification::new(
                LogMessage::METHOD.to_owned(),
                LogMessageParams { typ, message },
            )
            .into(),
        );
    }

    fn error(&self, id: RequestId, code: ErrorCode, message: String) {
        self.send(Response::new_err(id, code as i32, message).into());
    }

    fn request(&mut self, req: Request) {
        if self.shut_down {
            return self.error(
                req.id,
                ErrorCode::InvalidRequest,
                "the server is shutting down".into(),
            );
        }
        let id = req.id.clone();
        let result = match req.method.as_str() {
            "shutdown" => {
                self.shut_down = true;
                Ok(Value::Null)
            }
            HoverRequest::METHOD => params(req.params).map(|p| self.hover(p)),
            CodeActionRequest::METHOD => params(req.params).map(|p| self.code_actions(p)),
            other => {
                return self.error(
                    id,
                    ErrorCode::MethodNotFound,
                    format!("unknown method `{other}`"),
                );
            }
        };
        match result {
            Ok(value) => self.send(Response::new_ok(id, value).into()),
            Err(message) => self.error(id, ErrorCode::InvalidParams, message),
        }
    }

    fn notification(&mut self, n: Notification) {
        if self.shut_down {
            return;
        }
        let method = n.method.clone();
        let outcome = match method.as_str() {
            Initialized::METHOD => {
                self.initialized();
                Ok(())
            }
            DidOpenTextDocument::METHOD => params(n.params).map(|p| self.open(p)),
            DidChangeTextDocument::METHOD => params(n.params).map(|p| self.change(p)),
            DidSaveTextDocument::METHOD => {
                params(n.params).map(|p: DidSaveTextDocumentParams| self.save(&p.text_document.uri))
            }
            DidCloseTextDocument::METHOD => params(n.params).map(|p| self.close(p)),
            DidChangeWatchedFiles::METHOD => params(n.params).map(|p| self.watched(p)),
            _ => Ok(()),
        };
        if let Err(message) = outcome {
            self.log(MessageType::WARNING, format!("{method}: {message}"));
        }
    }

    /// Registers the configuration watcher and starts the workspace load.
    fn initialized(&mut self) {
        if self.client.watch {
            let watchers = CONFIG_FILES
                .iter()
                .map(|name| FileSystemWatcher {
                    glob_pattern: GlobPattern::String(format!("**/{name}")),
                    kind: None,
                })
                .collect();
            let registration = Registration {
                id: "aio-lint/watch-config".into(),
                method: DidChangeWatchedFiles::METHOD.into(),
                register_options: serde_json::to_value(DidChangeWatchedFilesRegistrationOptions {
                    watchers,
                })
                .ok(),
            };
            self.send_request(
                RegisterCapability::METHOD,
                RegistrationParams {
                    registrations: vec![registration],
                },
            );
        }
        self.load();
    }

    /// (Re)lints the workspace folders in the background, with progress if the client
    /// shows it.
    fn load(&mut self) {
        if self.client.folders.is_empty() {
            return;
        }
        let progress = self.client.progress.then(|| {
            let token = format!("aio-lint/workspace/{}", self.fresh());
            self.send_request(
                WorkDoneProgressCreate::METHOD,
                WorkDoneProgressCreateParams {
                    token: NumberOrString::String(token.clone()),
                },
            );
            token
        });
        let _ = self.work.send(Work::Load {
            folders: self.client.folders.clone(),
            progress,
        });
    }

    /// An edit of a configuration file re-lints the workspace and the open documents.
    fn watched(&mut self, p: DidChangeWatchedFilesParams) {
        let config = p.changes.iter().any(|c| {
            uri_to_path(&c.uri)
                .file_name()
                .is_some_and(|n| CONFIG_FILES.iter().any(|f| n == *f))
        });
        if !config {
            return;
        }
        if self.client.folders.is_empty() {
            let open: Vec<Uri> = self.documents.keys().cloned().collect();
            for uri in open {
                self.pending.remove(&uri);
                self.analyse(&uri);
            }
        } else {
            self.pending.clear();
            self.load();
        }
    }

    fn open(&mut self, p: DidOpenTextDocumentParams) {
        let doc = p.text_document;
        self.documents.insert(
            doc.uri.clone(),
            Document {
                text: doc.text,
                version: doc.version,
                findings: Vec::new(),
                analysed: None,
            },
        );
        self.pending.remove(&doc.uri);
        self.analyse(&doc.uri);
    }

    fn change(&mut self, p: DidChangeTextDocumentParams) {
        let uri = p.text_document.uri;
        let Some(doc) = self.documents.get_mut(&uri) else {
            return self.log(
                MessageType::WARNING,
                format!("didChange of `{}`, which is not open", uri.as_str()),
            );
        };
        for change in p.content_changes {
            text::apply_change(&mut doc.text, change);
        }
        doc.version = p.text_document.version;
        self.pending.insert(uri, Instant::now() + DEBOUNCE);
    }

    fn save(&mut self, uri: &Uri) {
        self.pending.remove(uri);
        self.analyse(uri);
    }

    fn close(&mut self, p: DidCloseTextDocumentParams) {
        let uri = p.text_document.uri;
        self.documents.remove(&uri);
        self.pending.remove(&uri);
        let path = uri_to_path(&uri);
        let _ = self.work.send(Work::Close { uri, path });
    }

    /// Hands the open document `uri`'s text to the analysis thread.
    fn analyse(&mut self, uri: &Uri) {
        let Some(doc) = self.documents.get(uri) else {
            return self.log(
                MessageType::WARNING,
                format!("`{}` is not open", uri.as_str()),
            );
        };
        let _ = self.work.send(Work::Edit {
            uri: uri.clone(),
            path: uri_to_path(uri),
            text: Arc::from(doc.text.as_str()),
            version: doc.version,
        });
    }

    /// Publishes what the analysis thread found, unless the document changed since (its
    /// newer version is pending or being analysed).
    fn publish_report(&mut self, r: Report) {
        let (diagnostics, version) = match self.documents.get_mut(&r.uri) {
            Some(doc) => {
                // A change bumps the version at once: a result for an older one is stale.
                if r.version != Some(doc.version) {
                    return;
                }
                doc.findings = r.findings;
                doc.analysed = r.version;
                let lines = Lines::new(&doc.text);
                let diagnostics = doc
                    .findings
                    .iter()
                    .map(|d| convert::diagnostic(d, &r.uri, &doc.text, &lines))
                    .collect();
                (diagnostics, Some(doc.version))
            }
            None if r.version.is_some() => return,
            None => {
                let lines = Lines::new(&r.text);
                let diagnostics = r
                    .findings
                    .iter()
                    .map(|d| convert::diagnostic(d, &r.uri, &r.text, &lines))
                    .collect();
                (diagnostics, None)
            }
        };
        self.publish(r.uri, diagnostics, version);
    }

    fn publish(&self, uri: Uri, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        self.send(Notification::new(PublishDiagnostics::METHOD.to_owned(), params).into());
    }

    /// The findings of the open document `uri` whose primary span touches bytes
    /// `start..=end`, with the document's text and lines.
    fn findings_at(
        &self,
        uri: &Uri,
        range: lsp_types::Range,
    ) -> Option<(&Document, Lines, Vec<&Diagnostic>)> {
        let doc = self.documents.get(uri)?;
        let lines = Lines::new(&doc.text);
        let start = lines.offset(&doc.text, range.start);
        let end = lines.offset(&doc.text, range.end).max(start);
        let found = doc
            .findings
            .iter()
            .filter(|d| d.primary.span.byte_start <= end && start <= d.primary.span.byte_end)
            .collect();
        Some((doc, lines, found))
    }

    fn hover(&self, p: HoverParams) -> Value {
        let at = p.text_document_position_params;
        let range = lsp_types::Range::new(at.position, at.position);
        let Some((doc, lines, found)) = self.findings_at(&at.text_document.uri, range) else {
            return Value::Null;
        };
        let mut rules: Vec<&str> = found.iter().map(|d| d.rule).collect();
        rules.dedup();
        let docs: Vec<String> = rules
            .iter()
            .filter_map(|name| seam::rules().iter().find(|r| r.name == *name))
            .map(convert::rule_docs)
            .collect();
        let Some(first) = found.first() else {
            return Value::Null;
        };
        let hover = Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: docs.join("\n\n---\n\n"),
            }),
            range: Some(lines.range(
                &doc.text,
                first.primary.span.byte_start,
                first.primary.span.byte_end,
            )),
        };
        serde_json::to_value(hover).unwrap_or_default()
    }

    /// The quick fixes of the findings in the range (each fix, then "suppress on this
    /// line") unless `context.only` leaves them out, and "fix all" when `context.only`
    /// asks for it (`source`, `source.fixAll` or ours): it runs the fix loop, too much
    /// work for the requests an editor makes at every move of the cursor.
    fn code_actions(&self, p: CodeActionParams) -> Value {
        let uri = &p.text_document.uri;
        let Some((doc, lines, found)) = self.findings_at(uri, p.range) else {
            return Value::Array(Vec::new());
        };
        let only = p.context.only.as_deref();
        let asked = |kind: &str| {
            only.is_some_and(|only| {
                only.iter().any(|k| {
                    kind.strip_prefix(k.as_str())
                        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
                })
            })
        };
        let target = Target {
            uri,
            version: self.client.versioned.then_some(doc.version),
        };
        // Fixes of findings of an older text would edit the wrong place.
        let current = doc.analysed == Some(doc.version);
        let mut actions = Vec::new();
        if only.is_none() || asked(CodeActionKind::QUICKFIX.as_str()) {
            let mut seen = Vec::new();
            for d in found {
                let key = (d.rule, d.primary.span.start.line);
                if seen.contains(&key) {
                    continue;
                }
                seen.push(key);
                let diagnostic = convert::diagnostic(d, uri, &doc.text, &lines);
                if current {
                    actions.extend(convert::fix_action(
                        d,
                        diagnostic.clone(),
                        &target,
                        &doc.text,
                        &lines,
                    ));
                }
                actions.extend(convert::suppress_action(
                    d, diagnostic, &target, &doc.text, &lines,
                ));
            }
        }
        if asked(convert::FIX_ALL)
            && let Some(after) = fix_all(uri, doc)
        {
            actions.extend(convert::fix_all_action(&target, &doc.text, &after));
        }
        let actions: Vec<CodeActionOrCommand> = actions
            .into_iter()
            .map(CodeActionOrCommand::CodeAction)
            .collect();
        serde_json::to_value(actions).unwrap_or_default()
    }
}

/// The text of the open document `uri` after `--fix`: its safe fixes (those `--fix`
/// applies, configuration's `fixable` and `extend-safe-fixes` included) applied by the fix
/// loop, re-linting the text alone after each pass, so overlapping and iterated fixes
/// converge as on the command line. `None` when the configuration excludes the file, it
/// has nothing to fix, or the fix code panicked. Runs on a thread with the analysis's
/// stack, as syn needs it.
fn fix_all(uri: &Uri, doc: &Document) -> Option<String> {
    let rules = seam::rules();
    let job = pipeline::resolve(&uri_to_path(uri), rules, &mut Vec::new())?;
    let mode = Mode {
        unsafe_fixes: false,
    };
    let current = doc.analysed == Some(doc.version);
    if current && !doc.findings.iter().any(|d| mode.wants(&job, d)) {
        return None;
    }
    let text = doc.text.as_str();
    let job = &job;
    std::thread::scope(|s| {
        let fixing = std::thread::Builder::new()
            .name("aio-lint-fix".into())
            .stack_size(STACK_SIZE)
            .spawn_scoped(s, move || {
                let first = if current {
                    doc.findings.clone()
                } else {
                    pipeline::relint(job, text, rules)
                };
                let alone = |t: &str| pipeline::relint_for_fix(job, t, rules);
                fixes::fix_text(text, first, alone, |d| mode.wants(job, d)).text
            });
        fixing.ok()?.join().ok()
    })
}

#[cfg(test)]
mod tests {
    // What needs a stand-in analyser (a panic) or the private helpers; the protocol as an
    // editor sees it is tested in `lint/tests/server.rs`.

    use std::thread;

    use lsp_server::{Connection, Message, Notification, Request, RequestId};
    use serde_json::{Value, json};

    use super::*;

    fn panicking(job: &pipeline::Job, bytes: Vec<u8>) -> pipeline::Linted {
        if bytes.starts_with(b"boom") {
            panic!("engine exploded");
        }
        pipeline::lint_bytes(job, bytes)
    }

    fn next_notification(client: &Connection) -> Notification {
        loop {
            match client.receiver.recv().expect("the server hung up") {
                Message::Notification(n) => return n,
                Message::Response(_) | Message::Request(_) => {}
            }
        }
    }

    /// A message thread on `connection`, with what it hands the analysis thread.
    fn server(connection: &Connection) -> (Server<'_>, crossbeam_channel::Receiver<Work>) {
        let (work, analyses) = crossbeam_channel::unbounded();
        let server = Server {
            connection,
            work,
            client: ClientInfo::default(),
            documents: HashMap::new(),
            pending: HashMap::new(),
            shut_down: false,
            next_id: 0,
        };
        (server, analyses)
    }

    #[test]
    fn a_panic_is_logged_and_reported_on_the_file_and_the_server_goes_on() {
        let (server, client) = Connection::memory();
        let handle = thread::spawn(move || serve_with(&server, panicking));
        let send = |m: Message| client.sender.send(m).unwrap();
        send(
            Request::new(
                RequestId::from(1),
                "initialize".into(),
                json!({"capabilities": {}}),
            )
            .into(),
        );
        send(Notification::new("initialized".into(), json!({})).into());
        let open = |uri: &str, text: &str| {
            Notification::new(
                "textDocument/didOpen".into(),
                json!({"textDocument": {"uri": uri, "languageId": "rust", "version": 1, "text": text}}),
            )
            .into()
        };
        send(open("file:///tmp/a.rs", "boom"));
        let log = next_notification(&client);
        assert_eq!(log.method, "window/logMessage");
        assert_eq!(log.params["type"], 1, "an error");
        let message = log.params["message"].as_str().unwrap();
        assert!(
            message.starts_with(
                "/tmp/a.rs: internal error: the linter panicked on this file (engine exploded)"
            ),
            "{message}"
        );
        let published = next_notification(&client);
        assert_eq!(published.method, "textDocument/publishDiagnostics");
        let diags = published.params["diagnostics"].as_array().unwrap();
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0]["code"], "aio::parse_error");
        assert!(
            diags[0]["message"]
                .as_str()
                .unwrap()
                .contains("engine exploded")
        );

        // The next document is linted as usual; a broken configuration is logged.
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("aio-lint.toml"), "deny = 3\n").unwrap();
        let b = format!("file://{}/b.rs", tmp.path().display());
        send(open(&b, "fn main() {}"));
        let log = next_notification(&client);
        let message = log.params["message"].as_str().unwrap();
        assert!(
            message.ends_with("(linting with the default configuration)"),
            "{message}"
        );
        let published = next_notification(&client);
        assert_eq!(published.params["uri"], b.as_str());
        assert_eq!(published.params["diagnostics"], Value::Array(Vec::new()));
        send(Notification::new("exit".into(), json!(null)).into());
        assert_eq!(handle.join().unwrap(), Ending::Abrupt);
    }

    #[test]
    fn fixes_of_findings_older_than_the_text_are_not_offered() {
        let text =
            "async fn f() {\n    std::thread::sleep(std::time::Duration::from_millis(1));\n}\n";
        let (connection, _client) = Connection::memory();
        let (mut server, _analyses) = server(&connection);
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(
            tmp.path().join("Cargo.toml"),
            "[package]\nname = \"demo\"\nversion = \"0.1.0\"\n\n[dependencies]\ntokio = { version = \"1\", features = [\"full\"] }\n",
        )
        .unwrap();
        let uri: Uri = format!("file://{}/lib.rs", tmp.path().display())
            .parse()
            .unwrap();
        let job = pipeline::resolve(&uri_to_path(&uri), seam::rules(), &mut Vec::new()).unwrap();
        let findings = pipeline::relint(&job, text, seam::rules());
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert!(findings[0].suggestion.is_some());
        let ask = |server: &Server<'_>, only: Value| {
            let p = json!({
                "textDocument": {"uri": uri.as_str()},
                "range": {"start": {"line": 1, "character": 6}, "end": {"line": 1, "character": 6}},
                "context": {"diagnostics": [], "only": only},
            });
            let v = server.code_actions(serde_json::from_value(p).unwrap());
            v.as_array()
                .unwrap()
                .iter()
                .map(|a| a["title"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        };
        let fix = "Fix aio::blocking_sleep: use `tokio::time::sleep(d).await`";
        let suppress = "Suppress aio::blocking_sleep on this line";
        let fix_all = "Apply every safe aio-lint fix";
        for (analysed, quick) in [
            (Some(2), vec![fix, suppress]),
            (Some(1), vec![suppress]),
            (None, vec![suppress]),
        ] {
            server.documents.insert(
                uri.clone(),
                Document {
                    text: text.into(),
                    version: 2,
                    findings: findings.clone(),
                    analysed,
                },
            );
            assert_eq!(ask(&server, Value::Null), quick, "{analysed:?}");
            assert_eq!(ask(&server, json!(["quickfix"])), quick, "{analysed:?}");
            // Fix all lints the text afresh when its findings are stale.
            assert_eq!(
                ask(&server, json!(["source.fixAll"])),
                [fix_all],
                "{analysed:?}"
            );
        }
        // Current findings with nothing to fix: no "fix all", even if the text has some.
        let doc = server.documents.get_mut(&uri).unwrap();
        doc.findings.clear();
        doc.analysed = Some(2);
        assert_eq!(ask(&server, json!(["source"])), Vec::<String>::new());
    }

    #[test]
    fn a_report_is_published_only_for_the_version_the_editor_has() {
        let (connection, client) = Connection::memory();
        let (mut server, _analyses) = server(&connection);
        let uri: Uri = "file:///tmp/a.rs".parse().unwrap();
        let report = |version| Report {
            uri: uri.clone(),
            version,
            findings: Vec::new(),
            text: Arc::from(""),
        };
        let published = || -> Vec<Value> {
            client
                .receiver
                .try_iter()
                .map(|m| match m {
                    Message::Notification(n) => n.params["version"].clone(),
                    other => panic!("{other:?}"),
                })
                .collect()
        };
        // Not open: a file's findings are published, a document's (closed since) are not.
        server.publish_report(report(Some(1)));
        assert_eq!(published(), Vec::<Value>::new());
        server.publish_report(report(None));
        assert_eq!(published(), [Value::Null]);
        // Open at version 2: only a report for version 2 is.
        server.documents.insert(
            uri.clone(),
            Document {
                text: String::new(),
                version: 2,
                findings: Vec::new(),
                analysed: None,
            },
        );
        server.publish_report(report(Some(1)));
        server.publish_report(report(None));
        assert_eq!(published(), Vec::<Value>::new());
        server.publish_report(report(Some(2)));
        assert_eq!(published(), [json!(2)]);
        assert_eq!(server.documents[&uri].analysed, Some(2));
    }

    #[test]
    fn a_change_waits_for_the_debounce() {
        let (connection, _client) = Connection::memory();
        let (mut server, analyses) = server(&connection);
        let uri: Uri = "file:///tmp/a.rs".parse().unwrap();
        server.documents.insert(
            uri.clone(),
            Document {
                text: "fn a() {}\n".into(),
                version: 1,
                findings: Vec::new(),
                analysed: Some(1),
            },
        );
        let before = Instant::now();
        let p = json!({
            "textDocument": {"uri": uri.as_str(), "version": 2},
            "contentChanges": [{"text": "fn b() {}\n"}],
        });
        server.change(serde_json::from_value(p).unwrap());
        assert!(server.pending[&uri] >= before + DEBOUNCE);
        assert_eq!(server.documents[&uri].text, "fn b() {}\n");
        assert_eq!(server.documents[&uri].version, 2);
        // Nothing is analysed until then.
        server.flush_due();
        assert!(analyses.try_recv().is_err());
    }
}
