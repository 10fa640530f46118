// The extension under test, by its one id (src/core/config/extensionDataDir.ts).
import * as vscode from "vscode";
import { EXTENSION_ID } from "../../src/core/config/extensionDataDir";

export function ourExtension(): vscode.Extension<unknown> | undefined {
  return vscode.extensions.getExtension(EXTENSION_ID);
}

/** Activates the extension (a no-op once it is active). */
export async function activateExtension(): Promise<void> {
  await ourExtension()?.activate();
}
