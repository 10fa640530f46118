// Forged and malformed webview messages are refused with a reason; valid ones come out as fresh
// objects holding only the known fields.
import * as assert from "node:assert/strict";
import { LIMITS, parseWebviewMessage, safeLinkTarget } from "../../../src/shared/protocol";

const attachment = { fileName: "src/a.ts", languageId: "typescript", startLine: 3, endLine: 5, code: "let x = 1;" };

function rejected(raw: unknown): string {
  const r = parseWebviewMessage(raw);
  if (r.ok) assert.fail(`accepted ${JSON.stringify(raw)?.slice(0, 200)}`);
  return r.ok ? "" : r.reason;
}

describe("chat protocol: parseWebviewMessage", () => {
  it("accepts every valid message type", () => {
    const valid: unknown[] = [
      { type: "ready", version: 1 },
      { type: "send", text: "hi", attachments: [attachment] },
      { type: "send", text: "", attachments: [attachment] },
      { type: "stop" },
      { type: "regenerate" },
      { type: "editLast", text: "again" },
      { type: "newChat" },
      { type: "openConversation", id: "abc" },
      { type: "renameConversation", id: "abc", title: "T" },
      { type: "deleteConversation", id: "abc" },
      { type: "attach", what: "selection" },
      { type: "attach", what: "file" },
      { type: "codeAction", action: "insert", code: "x", languageId: "ts" },
      { type: "openLink", href: "https://example.com" },
      { type: "openFile", path: "src/cart.ts", line: 12 },
      { type: "action", action: "retry" },
      { type: "draft", text: "", attachments: [] },
    ];
    for (const m of valid) {
      const r = parseWebviewMessage(m);
      assert.ok(r.ok, `${JSON.stringify(m)}: ${r.ok ? "" : r.reason}`);
      assert.equal(r.message.type, (m as { type: string }).type);
    }
  });

  it("rejects unknown types and non-objects", () => {
    assert.match(rejected({ type: "runCommand", command: "workbench.action.terminal.new" }), /unknown type/);
    assert.match(rejected({ type: "executeCommand" }), /unknown type/);
    assert.match(rejected({}), /unknown type/);
    for (const v of [null, undefined, 42, "send", [], [{ type: "stop" }], true]) rejected(v);
  });

  it("rejects missing or mistyped fields", () => {
    assert.match(rejected({ type: "send" }), /text/);
    assert.match(rejected({ type: "send", text: 5 }), /text/);
    assert.match(rejected({ type: "send", text: "   " }), /empty/);
    assert.match(rejected({ type: "send", text: "a", attachments: "x" }), /attachments/);
    assert.match(rejected({ type: "send", text: "a", attachments: [{ ...attachment, startLine: 0 }] }), /startLine/);
    assert.match(rejected({ type: "send", text: "a", attachments: [{ ...attachment, endLine: 2 }] }), /endLine/);
    assert.match(rejected({ type: "send", text: "a", attachments: [{ ...attachment, startLine: 1.5 }] }), /startLine/);
    assert.match(rejected({ type: "codeAction", action: "exec", code: "x", languageId: "" }), /action/);
    assert.match(rejected({ type: "action", action: "workbench.action.reloadWindow" }), /action/);
    assert.match(rejected({ type: "attach", what: "/etc/passwd" }), /what/);
    assert.match(rejected({ type: "openConversation", id: "" }), /empty/);
    assert.match(rejected({ type: "ready" }), /version/);
  });

  it("rejects oversized payloads, including a 50 MB string", () => {
    const big = "x".repeat(50 * 1024 * 1024);
    assert.match(rejected({ type: "send", text: big }), /longer than/);
    assert.match(rejected({ type: "codeAction", action: "copy", code: big, languageId: "ts" }), /longer than/);
    assert.match(rejected({ type: "send", text: "a", attachments: [{ ...attachment, code: big }] }), /longer than/);
    assert.match(rejected({ type: "send", text: "a".repeat(LIMITS.textChars + 1) }), /longer than/);
    const many = Array.from({ length: LIMITS.attachments + 1 }, () => attachment);
    assert.match(rejected({ type: "send", text: "a", attachments: many }), /more than/);
    assert.match(rejected({ type: "openLink", href: `https://a.example/${"a".repeat(LIMITS.urlChars)}` }), /longer than/);
    assert.match(rejected({ type: "openFile", path: "src/cart.ts", line: 0 }), /line must be an integer/);
    assert.match(rejected({ type: "openFile", path: "", line: 3 }), /path is empty/);
  });

  it("ignores __proto__ and constructor keys and copies only known fields", () => {
    const forged = JSON.parse(
      '{"type":"send","text":"hi","__proto__":{"polluted":true},"attachments":[{"fileName":"a","languageId":"ts","startLine":1,"endLine":1,"code":"c","__proto__":{"evil":1},"extra":"x"}],"constructor":{"prototype":{"bad":1}}}',
    );
    const r = parseWebviewMessage(forged);
    assert.ok(r.ok);
    assert.deepEqual(Object.keys(r.message).sort(), ["attachments", "text", "type"]);
    assert.equal(Object.getPrototypeOf(r.message), Object.prototype);
    if (r.message.type !== "send") throw new Error("wrong type");
    assert.deepEqual(Object.keys(r.message.attachments[0]).sort(), ["code", "endLine", "fileName", "languageId", "startLine"]);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    // A type that only exists on the prototype chain is not a type.
    rejected(Object.create({ type: "stop" }));
    rejected(JSON.parse('{"__proto__":{"type":"stop"}}'));
  });

  it("survives a flood of 1,000 forged messages", () => {
    let refused = 0;
    for (let i = 0; i < 1000; i++) {
      const r = parseWebviewMessage(i % 2 ? { type: `t${i}`, payload: i } : { type: "send", text: i });
      if (!r.ok) refused++;
    }
    assert.equal(refused, 1000);
  });
});

describe("chat protocol: safeLinkTarget", () => {
  it("allows http, https and mailto", () => {
    assert.equal(safeLinkTarget("https://example.com/a?b=1"), "https://example.com/a?b=1");
    assert.equal(safeLinkTarget("http://127.0.0.1:8080/"), "http://127.0.0.1:8080/");
    assert.equal(safeLinkTarget("mailto:someone@example.com"), "mailto:someone@example.com");
  });

  it("makes dangerous schemes, relative links and credentials inert", () => {
    for (const href of [
      "javascript:alert(1)",
      " JaVaScRiPt:alert(1)",
      "java\tscript:alert(1)",
      "command:workbench.action.terminal.new",
      "vscode:extension/evil.ext",
      "vscode-insiders://x",
      "file:///etc/passwd",
      "data:text/html,<script>alert(1)</script>",
      "vbscript:msgbox",
      "/relative/path",
      "#fragment",
      "https://user:pass@example.com/",
      "",
    ]) {
      assert.equal(safeLinkTarget(href), undefined, href);
    }
  });
});

describe("chat protocol: @-mentions of open files", () => {
  it("accepts listOpenFiles with a query, empty included, and nothing else", () => {
    for (const query of ["", "stats", "src/ä b"]) {
      const r = parseWebviewMessage({ type: "listOpenFiles", query, extra: "dropped" });
      assert.ok(r.ok, r.ok ? "" : r.reason);
      assert.deepEqual(r.message, { type: "listOpenFiles", query });
    }
  });

  it("rejects a missing, mistyped or oversized query", () => {
    assert.match(rejected({ type: "listOpenFiles" }), /query/);
    assert.match(rejected({ type: "listOpenFiles", query: 3 }), /query/);
    assert.match(rejected({ type: "listOpenFiles", query: ["a"] }), /query/);
    assert.match(rejected({ type: "listOpenFiles", query: "q".repeat(LIMITS.mentionQueryChars + 1) }), /longer than/);
  });

  it("keeps an attachment's mention handle, and only a non-empty string one", () => {
    const mention = { ...attachment, code: "", mention: "file:///w/src/a.ts" };
    const r = parseWebviewMessage({ type: "send", text: "@a.ts explain", attachments: [mention, attachment] });
    assert.ok(r.ok);
    if (r.message.type !== "send") throw new Error("wrong type");
    assert.equal(r.message.attachments[0]?.mention, "file:///w/src/a.ts");
    assert.ok(!("mention" in (r.message.attachments[1] ?? {})), "a plain attachment gets no mention field");
    const draft = parseWebviewMessage({ type: "draft", text: "", attachments: [mention] });
    assert.ok(draft.ok && draft.message.type === "draft" && draft.message.attachments[0]?.mention === mention.mention);
    assert.match(rejected({ type: "send", text: "a", attachments: [{ ...mention, mention: "" }] }), /mention/);
    assert.match(rejected({ type: "send", text: "a", attachments: [{ ...mention, mention: 7 }] }), /mention/);
    assert.match(
      rejected({ type: "send", text: "a", attachments: [{ ...mention, mention: "x".repeat(LIMITS.urlChars + 1) }] }),
      /longer than/,
    );
  });

  it("openFiles is a host message: the webview cannot send it", () => {
    assert.match(rejected({ type: "openFiles", query: "", items: [] }), /unknown type/);
  });
});
