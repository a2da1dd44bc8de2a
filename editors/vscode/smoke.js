// Drives the server through vscode-languageclient's own protocol stack (vscode-jsonrpc and
// vscode-languageserver-protocol, what the extension talks through), without VS Code:
//
//   npm install && node smoke.js [path/to/cargo-aio-lint]
//
// It opens a file that blocks in async code, expects the finding, asks for its code
// actions and prints what it got; exit code 0 when all of it came.
"use strict";

const { spawn } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { pathToFileURL } = require("node:url");
const rpc = require("vscode-languageserver-protocol/node");

const bin = process.argv[2] ?? "cargo-aio-lint";
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aio-lint-smoke-"));
fs.mkdirSync(path.join(dir, "src"));
fs.writeFileSync(
  path.join(dir, "Cargo.toml"),
  '[package]\nname = "smoke"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\ntokio = "1"\n',
);
const text =
  "async fn handler() {\n    std::thread::sleep(std::time::Duration::from_millis(10));\n}\n";
const file = path.join(dir, "src", "lib.rs");
fs.writeFileSync(file, text);
const uri = pathToFileURL(file).href;

const server = spawn(bin, ["server"], { stdio: ["pipe", "pipe", "inherit"] });
const connection = rpc.createProtocolConnection(
  new rpc.StreamMessageReader(server.stdout),
  new rpc.StreamMessageWriter(server.stdin),
);

async function main() {
  const published = new Promise((resolve) => {
    connection.onNotification(rpc.PublishDiagnosticsNotification.type, (p) => {
      if (p.uri === uri && p.version === 1) resolve(p.diagnostics);
    });
  });
  connection.listen();
  const init = await connection.sendRequest(rpc.InitializeRequest.type, {
    processId: process.pid,
    rootUri: pathToFileURL(dir).href,
    capabilities: {},
    workspaceFolders: [{ uri: pathToFileURL(dir).href, name: "smoke" }],
  });
  console.log("server:", JSON.stringify(init.serverInfo));
  await connection.sendNotification(rpc.InitializedNotification.type, {});
  await connection.sendNotification(rpc.DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId: "rust", version: 1, text },
  });
  const diagnostics = await published;
  console.log("diagnostics:", diagnostics.map((d) => `${d.code} at ${d.range.start.line}:${d.range.start.character}`));
  const actions = await connection.sendRequest(rpc.CodeActionRequest.type, {
    textDocument: { uri },
    range: diagnostics[0].range,
    context: { diagnostics },
  });
  console.log("code actions:", actions.map((a) => a.title));
  await connection.sendRequest(rpc.ShutdownRequest.type);
  await connection.sendNotification(rpc.ExitNotification.type);
  const code = await new Promise((resolve) => server.on("exit", resolve));
  console.log("exit code:", code);
  const ok = diagnostics.length === 1 && diagnostics[0].code === "aio::blocking_sleep" && actions.length === 1 && code === 0;
  fs.rmSync(dir, { recursive: true });
  process.exit(ok ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
