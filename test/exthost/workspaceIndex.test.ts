// Workspace knowledge in the real extension host, on the fixture workspace (test/fixtures/workspace)
// and its real index (the worker thread dist/indexer.js): the index is built, `@workspace` puts
// the right chunk in the prompt (Show Last Prompt's record and the request a real HTTP server
// received), each language-model tool answers through vscode.lm.invokeTool, a save and a delete
// update the index, AGENTS.md goes into the chat's and the commands' prompts (and a command gets the
// definitions its selection uses from other files), and the feature off means no index at all.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import { startScriptedOpenAi, type ScriptedOpenAi } from "../helpers/openAiServers";
import { sendChat } from "./chatDriver";

const config = () => vscode.workspace.getConfiguration("mixtral");
const G = vscode.ConfigurationTarget.Global;
const root = () => vscode.workspace.workspaceFolders![0].uri.fsPath;

interface IndexView {
  state: { kind: string; stats?: { files: number; symbols: number } };
  statusBarText: string;
  running: boolean;
}
interface LastPrompt {
  feature: string;
  text: string;
  sources?: string[];
}

const indexView = (wait = false) => vscode.commands.executeCommand<IndexView>("mixtral._test.workspaceIndex", wait);
const lastPrompt = () => vscode.commands.executeCommand<LastPrompt>("mixtral._test.lastPrompt");

async function invoke(name: string, input: object): Promise<string> {
  const result = await vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined });
  return result.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : "")).join("");
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("workspace knowledge (extension host)", function () {
  this.timeout(120_000);
  let server: ScriptedOpenAi;

  before(async () => {
    await vscode.extensions.getExtension("mixtral-local.mixtral-local")?.activate();
    server = await startScriptedOpenAi({ flavour: "ollama", answer: "See src/pricing.ts:4 for the discount." });
    await config().update("remote.url", server.url, G);
    await config().update("engine", "openai", G);
  });

  after(async () => {
    for (const key of ["remote.url", "engine", "workspace.enabled", "workspace.instructions", "workspace.autoContext"])
      await config().update(key, undefined, G);
    await server.close();
    await vscode.commands.executeCommand("workbench.action.closeAllEditors");
  });

  it("indexes the fixture workspace in the background and hides its status item when ready", async () => {
    const view = await indexView(true);
    assert.equal(view.state.kind, "ready", JSON.stringify(view));
    assert.ok((view.state.stats?.files ?? 0) >= 4, JSON.stringify(view.state));
    assert.ok((view.state.stats?.symbols ?? 0) >= 5, JSON.stringify(view.state));
    assert.equal(view.statusBarText, "");
  });

  it("@workspace attaches the best chunk as a chip and puts it in the prompt", async () => {
    const { answer, posts } = await sendChat("@workspace how is the discount applied to a price?");
    assert.ok(answer?.content.includes("src/pricing.ts:4"), JSON.stringify(answer));
    const user = posts
      .flatMap((p) => (p.type === "transcript" ? p.turns : []))
      .reverse()
      .find((t) => t.role === "user");
    assert.equal(user?.displayText, "@workspace how is the discount applied to a price?");
    assert.ok(
      user?.attachments?.some((a) => a.fileName === "src/pricing.ts" && a.code.includes("export function applyDiscount")),
      JSON.stringify(user?.attachments),
    );
    const last = await lastPrompt();
    assert.ok(last.text.includes("Math.floor(priceCents * (1 - rate))"), last.text);
    assert.ok(!last.text.includes("@workspace"), "the mention itself is not sent");
    assert.ok(
      last.sources?.some((s) => s.startsWith("src/pricing.ts:")),
      JSON.stringify(last.sources),
    );
    assert.ok(JSON.stringify(server.requests.at(-1)?.body).includes("applyDiscount"), "the server received the chunk");
  });

  it("adds a named symbol's definition without @workspace (mixtral.workspace.autoContext), and not with it off", async () => {
    const { posts } = await sendChat("Why does applyDiscount round down?");
    const user = posts
      .flatMap((p) => (p.type === "transcript" ? p.turns : []))
      .reverse()
      .find((t) => t.role === "user");
    assert.deepEqual(
      user?.attachments?.map((a) => `${a.fileName}:${a.startLine}-${a.endLine}`),
      ["src/pricing.ts:3-6"],
    );
    assert.ok((await lastPrompt()).text.includes("Math.floor(priceCents * (1 - rate))"));
    await config().update("workspace.autoContext", false, G);
    try {
      const off = await sendChat("And why does applyDiscount take a rate?");
      const plain = off.posts
        .flatMap((p) => (p.type === "transcript" ? p.turns : []))
        .reverse()
        .find((t) => t.role === "user");
      assert.equal(plain?.attachments, undefined);
    } finally {
      await config().update("workspace.autoContext", undefined, G);
    }
  });

  it("offers @workspace first in the @ list", async () => {
    await vscode.commands.executeCommand("mixtral._test.chatPosts");
    await vscode.commands.executeCommand("mixtral._test.chatMessage", { type: "listOpenFiles", query: "work" });
    const posts =
      await vscode.commands.executeCommand<{ type: string; items?: { name: string; kind?: string }[] }[]>("mixtral._test.chatPosts");
    const items = posts.find((p) => p.type === "openFiles")?.items ?? [];
    assert.deepEqual(items[0], {
      id: "@workspace",
      kind: "workspace",
      name: "workspace",
      description: "search this workspace's code for the question",
      path: "@workspace",
      languageId: "plaintext",
      lineCount: 0,
    });
  });

  it("answers each language-model tool through vscode.lm.invokeTool", async () => {
    const names = vscode.lm.tools.map((t) => t.name);
    for (const n of ["mixtral_codebase", "mixtral_symbols", "mixtral_repoMap"])
      assert.ok(names.includes(n), `${n} is not registered: ${names.join(", ")}`);
    const search = await invoke("mixtral_codebase", { query: "median of the values" });
    assert.match(search, /src\/stats\.py:\d+-\d+/);
    assert.ok(search.includes("def median(values):"), search);
    const symbols = await invoke("mixtral_symbols", { name: "applyDiscount" });
    assert.match(symbols, /Definitions of "applyDiscount":\nsrc\/pricing\.ts:3-6 \(function applyDiscount\)/);
    assert.match(symbols, /src\/cart\.ts:10: return Math\.round\(applyDiscount/);
    const map = await invoke("mixtral_repoMap", { query: "cart total", tokenBudget: 400 });
    assert.ok(map.includes("cart.ts") && map.includes("pricing.ts"), map);
    await assert.rejects(invoke("mixtral_codebase", { query: "" }), /"query" must be a non-empty string/);
  });

  it("a saved file is indexed, a deleted one is dropped", async () => {
    const file = path.join(root(), "src", "shipping.ts");
    fs.writeFileSync(file, "");
    try {
      const doc = await vscode.workspace.openTextDocument(file);
      const editor = await vscode.window.showTextDocument(doc);
      await editor.edit((b) =>
        b.insert(
          new vscode.Position(0, 0),
          "export function shippingCostForWeight(grams: number): number {\n  return 499 + Math.ceil(grams / 1000) * 150;\n}\n",
        ),
      );
      await doc.save();
      await until("the saved function in the index", async () =>
        (await invoke("mixtral_symbols", { name: "shippingCostForWeight", include: "definitions" })).includes("src/shipping.ts:1-3")
          ? true
          : undefined,
      );
    } finally {
      await vscode.commands.executeCommand("workbench.action.closeAllEditors");
      await vscode.workspace.fs.delete(vscode.Uri.file(file));
    }
    await until("the deleted file to leave the index", async () =>
      (await invoke("mixtral_symbols", { name: "shippingCostForWeight", include: "definitions" })).includes("No definition")
        ? true
        : undefined,
    );
  });

  describe("instruction files and a command's definitions", () => {
    const agents = () => path.join(root(), "AGENTS.md");
    const nested = () => path.join(root(), "src", "AGENTS.md");

    before(() => {
      fs.writeFileSync(agents(), "# Agents\nPrices are integers in cents (ROOT-RULE-7).\n");
      fs.writeFileSync(nested(), "Keep src/ free of I/O (NESTED-RULE-3).\n");
    });

    after(async () => {
      fs.rmSync(agents(), { force: true });
      fs.rmSync(nested(), { force: true });
      await config().update("workspace.instructions", undefined, G);
    });

    it("puts the root and the nearest AGENTS.md into the chat's prompt and lists them; the setting turns them off", async () => {
      await vscode.window.showTextDocument(vscode.Uri.file(path.join(root(), "src", "cart.ts")));
      await sendChat("What should I keep in mind here?");
      let last = await lastPrompt();
      assert.ok(last.text.includes("ROOT-RULE-7") && last.text.includes("NESTED-RULE-3"), last.text);
      assert.ok(last.text.indexOf("NESTED-RULE-3") < last.text.indexOf("ROOT-RULE-7"), "the nearest file comes first");
      assert.deepEqual(last.sources, ["src/AGENTS.md", "AGENTS.md"]);
      await config().update("workspace.instructions", false, G);
      await sendChat("And now?");
      last = await lastPrompt();
      assert.ok(!last.text.includes("ROOT-RULE-7") && !last.text.includes("NESTED-RULE-3"), last.text);
    });

    it("explain adds the definitions the selection uses from other files, as chips, listed in Show Last Prompt", async () => {
      await config().update("workspace.instructions", undefined, G);
      const editor = await vscode.window.showTextDocument(vscode.Uri.file(path.join(root(), "src", "cart.ts")));
      editor.selection = new vscode.Selection(7, 0, 10, 1);
      await vscode.commands.executeCommand("mixtral.explainSelection");
      const last = await until("the explain prompt", async () => {
        const l = await lastPrompt();
        return l?.feature === "explain" ? l : undefined;
      });
      assert.ok(last.text.includes("Definitions from other files of the workspace that this code uses:\nsrc/pricing.ts:3-6"), last.text);
      assert.ok(last.text.includes("ROOT-RULE-7"), "the chat adds the instruction files to a command's turn too");
      assert.ok(last.sources?.includes("src/pricing.ts:3-6"), JSON.stringify(last.sources));
      await vscode.commands.executeCommand("mixtral.showLastPrompt");
      const header = vscode.window.activeTextEditor?.document.lineAt(0).text ?? "";
      assert.match(header, /; workspace context: src\/AGENTS\.md, AGENTS\.md, src\/cart\.ts:8-11, .*src\/pricing\.ts:3-6.* -->$/);
    });
  });

  it("refactor gets the instruction files and other files' definitions in its prompt", async () => {
    const agents = path.join(root(), "AGENTS.md");
    fs.writeFileSync(agents, "Prices are integers in cents (ROOT-RULE-7).\n");
    const coder = await startScriptedOpenAi({
      flavour: "ollama",
      answer: "```ts\nexport function cartTotal(lines: CartLine[], discountRate: number): number {\n  return 0;\n}\n```",
    });
    await config().update("remote.url", coder.url, G);
    try {
      const editor = await vscode.window.showTextDocument(vscode.Uri.file(path.join(root(), "src", "cart.ts")));
      editor.selection = new vscode.Selection(7, 0, 10, 1);
      await vscode.commands.executeCommand("mixtral.refactorSelection", { instruction: "make it shorter", apply: false });
      const last = await lastPrompt();
      assert.equal(last.feature, "refactor");
      assert.ok(last.text.includes("Instructions from AGENTS.md:\nPrices are integers in cents (ROOT-RULE-7)."), last.text);
      assert.ok(last.text.includes("Definitions from other files of the workspace that this code uses:\nsrc/pricing.ts:3-6"), last.text);
      assert.deepEqual(last.sources?.slice(0, 2), ["AGENTS.md", "src/pricing.ts:3-6"]);
      assert.equal(editor.document.getText(), fs.readFileSync(path.join(root(), "src", "cart.ts"), "utf8"), "the proposal was rejected");
    } finally {
      fs.rmSync(agents, { force: true });
      await config().update("remote.url", server.url, G);
      await coder.close();
      await vscode.commands.executeCommand("workbench.action.closeAllEditors");
    }
  });

  it("with mixtral.workspace.enabled off there is no index: no worker, the tools and @workspace say so", async () => {
    await config().update("workspace.enabled", false, G);
    try {
      const view = await until("the index to stop", async () => {
        const v = await indexView();
        return v.state.kind === "off" ? v : undefined;
      });
      assert.equal(view.running, false);
      await assert.rejects(invoke("mixtral_codebase", { query: "median" }), /Workspace knowledge is off/);
      const { notices } = await sendChat("@workspace where is the median?");
      assert.ok(
        notices.some((n) => n.message.includes("workspace knowledge is off")),
        JSON.stringify(notices),
      );
      assert.ok(!(await lastPrompt()).text.includes("def median"));
    } finally {
      await config().update("workspace.enabled", undefined, G);
    }
    assert.equal((await indexView(true)).state.kind, "ready");
  });
});
