// The aio-lint extension: starts `cargo aio-lint server` (or the command in the settings)
// for the Rust files of the workspace, and shows its findings, hovers and quick fixes.
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

/** @type {LanguageClient | undefined} */
let client;

function activate(context) {
  const settings = vscode.workspace.getConfiguration("aio-lint");
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const serverOptions = {
    command: settings.get("server.command", "cargo"),
    args: settings.get("server.args", ["aio-lint", "server"]),
    // `cargo aio-lint` finds the project's `.cargo/config.toml` alias from here.
    options: folder ? { cwd: folder } : {},
  };
  const clientOptions = {
    documentSelector: [
      { scheme: "file", language: "rust" },
      { scheme: "untitled", language: "rust" },
    ],
  };
  client = new LanguageClient("aio-lint", "aio-lint", serverOptions, clientOptions);
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client?.stop();
}

module.exports = { activate, deactivate };
