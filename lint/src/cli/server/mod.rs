//! `cargo aio-lint server`: a language server over stdio (LSP 3.17, synchronous, on
//! `lsp-server`'s channels). It lints the text of each open document as the editor holds
//! it, with the configuration the command line would use for that file, and offers hover
//! docs and a "suppress on this line" code action on its findings.
//!
//! Each document is linted alone (the workspace pass sees that one file), on the thread
//! that reads the messages, after every open, change and save.

mod convert;
mod text;

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument,
    LogMessage, Notification as _, PublishDiagnostics,
};
use lsp_types::request::{CodeActionRequest, HoverRequest, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, DidChangeTextDocumentParams, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DidSaveTextDocumentParams, Hover, HoverContents, HoverParams,
    HoverProviderCapability, LogMessageParams, MarkupContent, MarkupKind, MessageType,
    PublishDiagnosticsParams, ServerCapabilities, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Uri,
};
use serde::de::DeserializeOwned;

use crate::Diagnostic;
use crate::cli::pipeline::{self, DocumentLint};
use crate::cli::seam;
use text::Lines;

/// What lints one document: the command line's pipeline, or a stand-in in tests.
pub(crate) type Analyzer = fn(&Path, &str) -> DocumentLint;

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
    let ending = serve_with(&connection, pipeline::lint_document);
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
    serve_with(connection, pipeline::lint_document)
}

pub(crate) fn serve_with(connection: &Connection, analyzer: Analyzer) -> Ending {
    let Ok((id, _params)) = connection.initialize_start() else {
        return Ending::Abrupt;
    };
    let result = serde_json::json!({
        "capabilities": capabilities(),
        "serverInfo": { "name": "aio-lint", "version": env!("CARGO_PKG_VERSION") },
    });
    let mut server = Server {
        connection,
        analyzer,
        documents: HashMap::new(),
        shut_down: false,
    };
    server.send(Response::new_ok(id, result).into());
    for message in &connection.receiver {
        match message {
            Message::Request(req) => server.request(req),
            Message::Notification(n) if n.method == "exit" => {
                return if server.shut_down {
                    Ending::Clean
                } else {
                    Ending::Abrupt
                };
            }
            Message::Notification(n) => server.notification(n),
            Message::Response(_) => {}
        }
    }
    Ending::Abrupt
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
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
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
}

struct Server<'c> {
    connection: &'c Connection,
    analyzer: Analyzer,
    documents: HashMap<Uri, Document>,
    shut_down: bool,
}

fn params<P: DeserializeOwned>(value: serde_json::Value) -> Result<P, String> {
    serde_json::from_value(value).map_err(|e| format!("invalid parameters: {e}"))
}

impl Server<'_> {
    fn send(&self, message: Message) {
        // A closed channel means the client is gone; the receive loop ends on its own.
        let _ = self.connection.sender.send(message);
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
                Ok(serde_json::Value::Null)
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
            DidOpenTextDocument::METHOD => params(n.params).map(|p| self.open(p)),
            DidChangeTextDocument::METHOD => params(n.params).map(|p| self.change(p)),
            DidSaveTextDocument::METHOD => {
                params(n.params).map(|p: DidSaveTextDocumentParams| self.lint(&p.text_document.uri))
            }
            DidCloseTextDocument::METHOD => params(n.params).map(|p| self.close(p)),
            _ => Ok(()),
        };
        if let Err(message) = outcome {
            self.log(MessageType::WARNING, format!("{method}: {message}"));
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
            },
        );
        self.lint(&doc.uri);
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
        self.lint(&uri);
    }

    fn close(&mut self, p: DidCloseTextDocumentParams) {
        let uri = p.text_document.uri;
        self.documents.remove(&uri);
        self.publish(uri, Vec::new(), None);
    }

    /// Lints the open document `uri` and publishes its diagnostics. A panic is caught,
    /// logged, and reported on the document.
    fn lint(&mut self, uri: &Uri) {
        let Some(doc) = self.documents.get(uri) else {
            return self.log(
                MessageType::WARNING,
                format!("`{}` is not open", uri.as_str()),
            );
        };
        let path = uri_to_path(uri);
        let analyzer = self.analyzer;
        let findings = match catch_unwind(AssertUnwindSafe(|| analyzer(&path, &doc.text))) {
            Ok(lint) => {
                for message in lint.errors {
                    self.log(MessageType::ERROR, message);
                }
                lint.diagnostics
            }
            Err(payload) => {
                let what = pipeline::panic_message(payload.as_ref());
                let message = format!(
                    "internal error: the linter panicked on this file ({what}); please report it"
                );
                self.log(MessageType::ERROR, format!("{}: {message}", path.display()));
                vec![seam::parse_error(seam::start_of_file(), message)]
            }
        };
        let Some(doc) = self.documents.get_mut(uri) else {
            return;
        };
        doc.findings = findings;
        let lines = Lines::new(&doc.text);
        let diagnostics = doc
            .findings
            .iter()
            .map(|d| convert::diagnostic(d, uri, &doc.text, &lines))
            .collect();
        let version = doc.version;
        self.publish(uri.clone(), diagnostics, Some(version));
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

    fn hover(&self, p: HoverParams) -> serde_json::Value {
        let at = p.text_document_position_params;
        let range = lsp_types::Range::new(at.position, at.position);
        let Some((doc, lines, found)) = self.findings_at(&at.text_document.uri, range) else {
            return serde_json::Value::Null;
        };
        let mut rules: Vec<&str> = found.iter().map(|d| d.rule).collect();
        rules.dedup();
        let docs: Vec<String> = rules
            .iter()
            .filter_map(|name| seam::rules().iter().find(|r| r.name == *name))
            .map(convert::rule_docs)
            .collect();
        let Some(first) = found.first() else {
            return serde_json::Value::Null;
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

    fn code_actions(&self, p: CodeActionParams) -> serde_json::Value {
        let uri = &p.text_document.uri;
        let Some((doc, lines, found)) = self.findings_at(uri, p.range) else {
            return serde_json::Value::Array(Vec::new());
        };
        let mut seen = Vec::new();
        let actions: Vec<CodeActionOrCommand> = found
            .into_iter()
            .filter(|d| {
                let key = (d.rule, d.primary.span.start.line);
                !seen.contains(&key) && {
                    seen.push(key);
                    true
                }
            })
            .filter_map(|d| {
                let diagnostic = convert::diagnostic(d, uri, &doc.text, &lines);
                convert::suppress_action(d, diagnostic, uri, &doc.text, &lines)
            })
            .map(CodeActionOrCommand::CodeAction)
            .collect();
        serde_json::to_value(actions).unwrap_or_default()
    }
}

/// The file a `file:` URI names (percent-decoded); any other URI (an unsaved `untitled:`
/// buffer) becomes a relative path, linted without configuration.
fn uri_to_path(uri: &Uri) -> PathBuf {
    let s = uri.as_str();
    let Some(rest) = s.strip_prefix("file://") else {
        return PathBuf::from(s.replace([':', '/'], "_"));
    };
    // Drop the authority (`localhost` or empty), keep the path.
    let path = rest.find('/').map_or("", |i| &rest[i..]);
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                out.push((hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0)) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    PathBuf::from(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    // What needs a stand-in analyser (a panic) or the private helpers; the protocol as an
    // editor sees it is tested in `lint/tests/server.rs`.

    use std::thread;

    use lsp_server::{Connection, Message, Notification, Request, RequestId};
    use serde_json::{Value, json};

    use super::*;

    fn panicking(_: &Path, text: &str) -> DocumentLint {
        if text.contains("boom") {
            panic!("engine exploded");
        }
        DocumentLint {
            diagnostics: Vec::new(),
            errors: vec!["config is broken".into()],
        }
    }

    fn next_notification(client: &Connection) -> Notification {
        loop {
            match client.receiver.recv().expect("the server hung up") {
                Message::Notification(n) => return n,
                Message::Response(_) | Message::Request(_) => {}
            }
        }
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

        // The next document is linted as usual; the analyser's own errors are logged.
        send(open("file:///tmp/b.rs", "fn main() {}"));
        let log = next_notification(&client);
        assert_eq!(log.params["message"], "config is broken");
        let published = next_notification(&client);
        assert_eq!(published.params["uri"], "file:///tmp/b.rs");
        assert_eq!(published.params["diagnostics"], Value::Array(Vec::new()));
        send(Notification::new("exit".into(), json!(null)).into());
        assert_eq!(handle.join().unwrap(), Ending::Abrupt);
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
        let untitled = uri_to_path(&uri("untitled:Untitled-1"));
        assert!(untitled.is_relative(), "{untitled:?}");
    }
}
