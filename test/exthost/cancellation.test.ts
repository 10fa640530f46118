// The one bridge from VS Code's CancellationToken to an AbortSignal (src/vscode/cancellation.ts),
// with VS Code's own token source.
import * as assert from "node:assert/strict";
import * as vscode from "vscode";
import { abortSignalFrom } from "../../src/vscode/cancellation";

describe("CancellationToken → AbortSignal", () => {
  it("aborts when the token is cancelled, and at once for a token cancelled already", () => {
    const source = new vscode.CancellationTokenSource();
    const later = abortSignalFrom(source.token);
    assert.equal(later.signal.aborted, false);
    source.cancel();
    assert.equal(later.signal.aborted, true);
    const already = abortSignalFrom(source.token);
    assert.equal(already.signal.aborted, true);
    later.dispose();
    already.dispose();
  });

  it("stops following the token once disposed, and aborts on its own for another reason", () => {
    const source = new vscode.CancellationTokenSource();
    const disposed = abortSignalFrom(source.token);
    disposed.dispose();
    source.cancel();
    assert.equal(disposed.signal.aborted, false);
    const stopped = abortSignalFrom(new vscode.CancellationTokenSource().token);
    stopped.abort();
    assert.equal(stopped.signal.aborted, true);
    stopped.dispose();
  });
});
