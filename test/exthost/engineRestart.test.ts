// After repeated crashes the engine stays stopped until the user acts, inside the real extension
// host: the real engine child is killed with SIGKILL until the supervisor gives up; the chat then
// offers Restart Engine (its notice and its header), "Mixtral: Restart Engine" brings it back,
// and a settings change after another give-up brings it back too.
import * as assert from "node:assert/strict";
import * as vscode from "vscode";
import type { HostToWebview } from "../../src/shared/protocol";
import { ensureTinyModel } from "../helpers/tinyModel";
import { drainPosts, sendChat } from "./chatDriver";
import { activateExtension } from "./extension";
import { waitFor as waitUntilValue } from "../helpers/wait";

const config = () => vscode.workspace.getConfiguration("mixtral");
const G = vscode.ConfigurationTarget.Global;
const enginePid = async () => vscode.commands.executeCommand<number | undefined>("mixtral._test.enginePid");
const status = async () =>
  (await vscode.commands.executeCommand<{ state: string; code?: string; message?: string }>("mixtral._test.status"))!;

/** A bounded wait whose failure says where the engine stood. */
function waitFor<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  return waitUntilValue(what, probe, 60_000, async () => `status ${JSON.stringify(await status())}`);
}

/** Kills the engine with SIGKILL until the supervisor stops restarting it (3 restarts allowed). */
async function killUntilStopped(): Promise<void> {
  for (let kill = 1; ; kill++) {
    const pid = await waitFor("a running engine", async () => (await enginePid()) ?? undefined);
    process.kill(pid, "SIGKILL");
    const outcome = await waitFor("a restart or the give-up", async () => {
      const s = await status();
      if (s.state === "error" && s.code === "engineStopped") return "stopped";
      const now = await enginePid();
      return now !== undefined && now !== pid && s.state === "ready" ? "restarted" : undefined;
    });
    if (outcome === "stopped") {
      assert.equal(kill, 4, "three restarts, then it stays down");
      return;
    }
  }
}

describe("engine restart after repeated crashes", function () {
  this.timeout(180_000);

  before(async () => {
    await activateExtension();
    await config().update("engine", "local", G);
    await config().update("modelPath", await ensureTinyModel(), G);
    await config().update("maxTokens", 8, G);
  });

  after(async () => {
    for (const key of ["engine", "modelPath", "maxTokens", "contextSize"]) await config().update(key, undefined, G);
  });

  it("stays down after the third restart, offers Restart Engine, and the command brings it back", async () => {
    assert.ok((await sendChat("Hello")).answer?.content !== undefined, "the engine answers first");
    await drainPosts();
    await killUntilStopped();
    const s = await status();
    assert.match(s.message ?? "", /crashed 4 times in 5 minutes.*run “Mixtral: Restart Engine”/);
    const header = (await drainPosts()).filter((p): p is Extract<HostToWebview, { type: "header" }> => p.type === "header").at(-1);
    assert.deepEqual(header?.header.actions, ["restartEngine", "showLog", "doctor"]);

    const refused = await sendChat("Still there?");
    const error = refused.notices.find((n) => n.level === "error");
    assert.ok(error, JSON.stringify(refused.notices));
    assert.deepEqual(error.actions, ["restartEngine", "showLog", "doctor"]);

    const before = await enginePid();
    await vscode.commands.executeCommand("mixtral.restartEngine");
    assert.equal((await status()).state, "ready");
    assert.ok((await enginePid()) !== undefined && (await enginePid()) !== before);
    const back = await sendChat("Back?");
    assert.deepEqual(
      back.notices.filter((n) => n.level === "error"),
      [],
    );
    assert.ok(back.answer && !back.answer.error, JSON.stringify(back.answer));
  });

  it("a settings change after the give-up starts afresh too", async () => {
    await killUntilStopped();
    await config().update("contextSize", 2048, G);
    const back = await sendChat("After the change?");
    assert.deepEqual(
      back.notices.filter((n) => n.level === "error"),
      [],
    );
    assert.ok(back.answer && !back.answer.error, JSON.stringify(back.answer));
  });
});
