// The code commands inside a real VS Code: explain through the real engine on the tiny Mixtral
// model; refactor/fix/document through a real OpenAI-compatible HTTP server on 127.0.0.1 that
// answers with fixed code, so what gets applied is known and the edit can be checked exactly.
import * as assert from "node:assert/strict";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as vscode from "vscode";
import { ensureTinyModel } from "../helpers/tinyModel";
import { activateExtension } from "./extension";
import { sleep } from "../helpers/wait";

const config = () => vscode.workspace.getConfiguration("mixtral");
const G = vscode.ConfigurationTarget.Global;

const ORIGINAL = "function add(a, b) {\n  return a + b;\n}\n\nconst x = add(1, 2);\n";
const PROPOSED = "function add(a: number, b: number): number {\n  return a + b;\n}";

interface CannedServer {
  url: string;
  requests: { path: string; body: string }[];
  delayMs: number;
  close(): Promise<void>;
}

/** An OpenAI-compatible server that streams one fixed fenced answer. */
async function cannedServer(answer: string): Promise<CannedServer> {
  const requests: { path: string; body: string }[] = [];
  const state = { delayMs: 0 };
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", async () => {
      requests.push({ path: req.url ?? "", body });
      if (req.url?.startsWith("/v1/models")) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ object: "list", data: [{ id: "mixtral-test", object: "model" }] }));
        return;
      }
      const chat = req.url?.startsWith("/v1/chat/completions");
      res.writeHead(200, { "content-type": "text/event-stream" });
      await new Promise((r) => setTimeout(r, state.delayMs));
      const pieces = answer.match(/[\s\S]{1,12}/g) ?? [];
      for (const p of pieces) {
        const choice = chat ? { index: 0, delta: { content: p }, finish_reason: null } : { index: 0, text: p, finish_reason: null };
        res.write(
          `data: ${JSON.stringify({ id: "x", object: chat ? "chat.completion.chunk" : "text_completion", choices: [choice] })}\n\n`,
        );
      }
      const last = chat ? { index: 0, delta: {}, finish_reason: "stop" } : { index: 0, text: "", finish_reason: "stop" };
      res.write(
        `data: ${JSON.stringify({ id: "x", choices: [last], usage: { prompt_tokens: 10, completion_tokens: pieces.length } })}\n\n`,
      );
      res.end("data: [DONE]\n\n");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get delayMs() {
      return state.delayMs;
    },
    set delayMs(v: number) {
      state.delayMs = v;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function editorWith(content: string, language = "javascript"): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument({ content, language });
  return vscode.window.showTextDocument(doc);
}

function selectLines(editor: vscode.TextEditor, from: number, to: number): void {
  editor.selection = new vscode.Selection(from, 0, to, editor.document.lineAt(to).text.length);
}

describe("code commands", function () {
  this.timeout(180_000);

  before(async () => {
    await activateExtension();
    await config().update("maxTokens", 16, G);
    await config().update("temperature", 0, G);
  });

  after(async () => {
    for (const key of ["maxTokens", "temperature", "engine", "remote.url", "modelPath"]) await config().update(key, undefined, G);
    await vscode.commands.executeCommand("workbench.action.closeAllEditors");
  });

  describe("on the local engine (tiny Mixtral model)", () => {
    before(async () => {
      await config().update("engine", "local", G);
      await config().update("modelPath", await ensureTinyModel(), G);
    });

    it("explains the selection: the prompt in Mixtral's format carries the code, and the engine counted it", async () => {
      const editor = await editorWith(ORIGINAL);
      selectLines(editor, 0, 2);
      await vscode.commands.executeCommand("mixtral.explainSelection");
      const last = await vscode.commands.executeCommand<{
        feature: string;
        text: string;
        tokenCount?: number;
        stats?: { speculation?: object };
      }>("mixtral._test.lastPrompt");
      assert.ok(last, "a prompt was sent");
      assert.equal(last.feature, "explain");
      assert.match(last.text, /^<s> \[INST\] /);
      assert.match(last.text, /\[\/INST\]$/);
      assert.ok(last.text.includes("return a + b;"), "the selected code is in the prompt");
      assert.ok((last.tokenCount ?? 0) > 20, `token count ${last.tokenCount}`);
      // mixtral.speculativeDecoding defaults to auto: the engine ran the answer with input lookup.
      assert.ok(last.stats?.speculation, "the answer's stats carry the speculative-decoding figures");
      // Show Last Prompt says what speculative decoding did, in its header line.
      await vscode.commands.executeCommand("mixtral.showLastPrompt");
      const shown = vscode.window.activeTextEditor?.document.lineAt(0).text ?? "";
      assert.match(shown, /^<!-- Mixtral Local: last prompt \(explain\), \d+ tokens, .*; speculative decoding: /);
      const status = await vscode.commands.executeCommand<{ state: string; info?: { expertCount: number } }>("mixtral._test.status");
      assert.equal(status.info?.expertCount, 8);
    });

    it("decodes one token per step with mixtral.speculativeDecoding off", async () => {
      await config().update("speculativeDecoding", "off", G);
      try {
        const editor = await editorWith(ORIGINAL);
        selectLines(editor, 0, 2);
        await vscode.commands.executeCommand("mixtral.explainSelection");
        const last = await vscode.commands.executeCommand<{ stats?: { generatedTokens: number; speculation?: object } }>(
          "mixtral._test.lastPrompt",
        );
        assert.ok(last?.stats && last.stats.generatedTokens > 0, "the answer finished");
        assert.equal(last.stats.speculation, undefined);
      } finally {
        await config().update("speculativeDecoding", undefined, G);
      }
    });

    it("refuses a binary selection and an empty file: nothing is sent, nothing touched", async () => {
      const lastPrompt = () => vscode.commands.executeCommand<{ at: number; feature: string } | undefined>("mixtral._test.lastPrompt");
      const before = await lastPrompt();
      const bin = await editorWith("\u0000\u0001\u0002binary\u0000data\n", "plaintext");
      selectLines(bin, 0, 0);
      await vscode.commands.executeCommand("mixtral.refactorSelection", { instruction: "x", apply: true });
      assert.equal(bin.document.getText(), "\u0000\u0001\u0002binary\u0000data\n");
      await editorWith("", "javascript");
      await vscode.commands.executeCommand("mixtral.explainSelection");
      assert.deepEqual(await lastPrompt(), before, "no prompt was sent after the refusals");
    });
  });

  describe("through an OpenAI-compatible server", () => {
    let server: CannedServer;

    before(async () => {
      server = await cannedServer(`Here you go:\n\n\`\`\`javascript\n${PROPOSED}\n\`\`\`\n\n- added types`);
      await config().update("remote.url", server.url, G);
      await config().update("engine", "openai", G);
    });

    after(async () => {
      await config().update("engine", "local", G);
      await server.close();
    });

    it("refactors the selection: shown in place, Accept All is one Undo step back to the proposal, one more to the original", async () => {
      const editor = await editorWith(ORIGINAL);
      selectLines(editor, 0, 2);
      await vscode.commands.executeCommand("mixtral.refactorSelection", { instruction: "add TypeScript types", apply: true });
      assert.equal(editor.document.getText(), ORIGINAL.replace("function add(a, b) {\n  return a + b;\n}", PROPOSED));
      const sent = server.requests.filter((r) => !r.path.startsWith("/v1/models")).pop();
      assert.ok(sent && sent.body.includes("add TypeScript types"), "the instruction reached the server");
      await vscode.window.showTextDocument(editor.document);
      await vscode.commands.executeCommand("undo");
      assert.equal(
        editor.document.getText(),
        ORIGINAL.replace("function add(a, b) {\n", `function add(a, b) {\n${PROPOSED.split("\n")[0]}\n`),
        "one undo: the proposal shown again",
      );
      await vscode.commands.executeCommand("undo");
      assert.equal(editor.document.getText(), ORIGINAL, "a second undo restores the original");
    });

    it("writes tests into a new editor with the answer's code", async () => {
      const editor = await editorWith(ORIGINAL);
      selectLines(editor, 0, 2);
      await vscode.commands.executeCommand("mixtral.writeTests");
      const opened = vscode.window.activeTextEditor;
      assert.ok(opened && opened.document !== editor.document, "a new editor is active");
      assert.equal(opened.document.getText(), PROPOSED);
      assert.equal(opened.document.languageId, "javascript");
      const sent = server.requests.filter((r) => !r.path.startsWith("/v1/models")).pop();
      assert.ok(sent && /Mocha|node:test|Jest|Vitest/.test(sent.body), "the guessed test framework is named in the prompt");
      assert.equal(editor.document.getText(), ORIGINAL, "the source is untouched");
    });

    it("fixes the problems reported in the selection, sending the diagnostics", async () => {
      const editor = await editorWith(ORIGINAL);
      const diagnostics = vscode.languages.createDiagnosticCollection("mixtral-test");
      try {
        diagnostics.set(editor.document.uri, [
          new vscode.Diagnostic(
            new vscode.Range(0, 9, 0, 12),
            "Parameter 'a' implicitly has an 'any' type.",
            vscode.DiagnosticSeverity.Error,
          ),
        ]);
        selectLines(editor, 0, 2);
        await vscode.commands.executeCommand("mixtral.fixProblems", { apply: true });
        const sent = server.requests.filter((r) => !r.path.startsWith("/v1/models")).pop();
        assert.ok(sent && sent.body.includes("implicitly has an"), "the diagnostic reached the prompt");
        assert.ok(editor.document.getText().startsWith(PROPOSED), "the fix was applied");
      } finally {
        diagnostics.dispose();
      }
    });

    it("does nothing for Fix when no problem is reported in the selection", async () => {
      const before = server.requests.length;
      const editor = await editorWith(ORIGINAL);
      selectLines(editor, 0, 2);
      await vscode.commands.executeCommand("mixtral.fixProblems", { apply: true });
      assert.equal(editor.document.getText(), ORIGINAL);
      assert.equal(server.requests.length, before, "nothing was sent");
    });

    it("shows a pending proposal side by side on request, and Reject All discards it and closes the diff", async () => {
      const editor = await editorWith(ORIGINAL);
      selectLines(editor, 0, 2);
      const requests = server.requests.length;
      const proposalDiffs = () =>
        vscode.window.tabGroups.all
          .flatMap((g) => g.tabs)
          .filter((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.scheme === "mixtral-proposal");
      await vscode.commands.executeCommand("mixtral.addDocumentation");
      assert.ok(
        server.requests.slice(requests).some((r) => !r.path.startsWith("/v1/models") && r.body.includes("return a + b;")),
        "the selection was sent",
      );
      await vscode.commands.executeCommand("mixtral.showProposalDiff", editor.document.uri.toString());
      const diffs = proposalDiffs();
      assert.equal(diffs.length, 1, "the proposal is shown as a diff");
      assert.ok(diffs[0].label.includes("proposal"), diffs[0].label);
      const input = diffs[0].input as vscode.TabInputTextDiff;
      assert.equal((await vscode.workspace.openTextDocument(input.original)).getText(), ORIGINAL, "left: the file as it was");
      assert.equal(
        (await vscode.workspace.openTextDocument(input.modified)).getText(),
        ORIGINAL.replace("function add(a, b) {\n  return a + b;\n}", PROPOSED),
        "right: the file with the proposal",
      );
      await vscode.commands.executeCommand("mixtral.rejectProposal", editor.document.uri.toString());
      assert.equal(editor.document.getText(), ORIGINAL, "discarded: the document is the original exactly");
      assert.deepEqual(proposalDiffs(), [], "the diff is closed");
    });

    it("follows an edit below the selection while the answer is written, and applies the proposal above it", async () => {
      const editor = await editorWith(ORIGINAL);
      selectLines(editor, 0, 2);
      server.delayMs = 1500;
      try {
        const running = vscode.commands.executeCommand("mixtral.refactorSelection", { instruction: "types", apply: true });
        await sleep(500);
        await editor.edit((b) => b.insert(new vscode.Position(5, 0), "// typed meanwhile\n"));
        await running;
      } finally {
        server.delayMs = 0;
      }
      assert.equal(
        editor.document.getText(),
        `${ORIGINAL.replace("function add(a, b) {\n  return a + b;\n}", PROPOSED)}// typed meanwhile\n`,
        "the user's edit is kept and the proposal applied where the lines moved",
      );
    });

    it("drops the answer when the selected lines were edited while it was written, keeping the user's edit", async () => {
      const editor = await editorWith(ORIGINAL);
      selectLines(editor, 0, 2);
      server.delayMs = 1500;
      try {
        const running = vscode.commands.executeCommand("mixtral.refactorSelection", { instruction: "types", apply: true });
        await sleep(500);
        await editor.edit((b) => b.insert(new vscode.Position(1, 0), "  // typed meanwhile\n"));
        await running;
      } finally {
        server.delayMs = 0;
      }
      assert.equal(
        editor.document.getText(),
        ORIGINAL.replace("  return a + b;", "  // typed meanwhile\n  return a + b;"),
        "the user's edit is kept and nothing else changed",
      );
    });
  });
});
