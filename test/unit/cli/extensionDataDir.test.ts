// The one list of places the extension's global storage can be (the CLI must use the folder the
// extension uses), on each platform, and which one is picked.
import * as assert from "node:assert/strict";
import { EXTENSION_ID, extensionDataDirCandidates, resolveExtensionDataDir } from "../../../src/core/config/extensionDataDir";

describe("config/extensionDataDir", () => {
  const g = `User/globalStorage/${EXTENSION_ID}`;

  it("lists VS Code Server, code-server and the desktop editors on Linux, honouring XDG folders", () => {
    const dirs = extensionDataDirCandidates({ platform: "linux", home: "/home/u", env: { XDG_DATA_HOME: "/xdg/data" } }).map(
      (c) => `${c.product}: ${c.dir}`,
    );
    assert.deepEqual(dirs, [
      `VS Code Server: /home/u/.vscode-server/data/${g}`,
      `VS Code Server (Insiders): /home/u/.vscode-server-insiders/data/${g}`,
      `code-server: /xdg/data/code-server/${g}`,
      `VS Code: /home/u/.config/Code/${g}`,
      `VS Code Insiders: /home/u/.config/Code - Insiders/${g}`,
      `VSCodium: /home/u/.config/VSCodium/${g}`,
      `Code - OSS: /home/u/.config/Code - OSS/${g}`,
    ]);
  });

  it("uses %APPDATA% on Windows and Application Support on macOS", () => {
    const win = extensionDataDirCandidates({ platform: "win32", home: "C:\\Users\\u", env: { APPDATA: "C:\\Users\\u\\AppData\\Roaming" } });
    assert.ok(win.some((c) => c.dir === `C:\\Users\\u\\AppData\\Roaming\\Code\\User\\globalStorage\\${EXTENSION_ID}`));
    assert.ok(win.some((c) => c.dir === `C:\\Users\\u\\.vscode-server\\data\\User\\globalStorage\\${EXTENSION_ID}`));
    assert.ok(!win.some((c) => c.product === "code-server"));
    const mac = extensionDataDirCandidates({ platform: "darwin", home: "/Users/u", env: {} });
    assert.ok(mac.some((c) => c.dir === `/Users/u/Library/Application Support/Code/${g}`));
  });

  it("picks the folder the extension wrote, else an installed editor's, and --data-dir over both", () => {
    const home = "/home/u";
    const codeServer = `${home}/.local/share/code-server/${g}`;
    const desktopUser = `${home}/.config/Code/User`;
    const has = (paths: string[]) => (p: string) => paths.includes(p);
    assert.equal(resolveExtensionDataDir({ platform: "linux", home, env: {}, exists: has([codeServer, desktopUser]) }).dir, codeServer);
    const desktop = resolveExtensionDataDir({ platform: "linux", home, env: {}, exists: has([desktopUser]) });
    assert.deepEqual([desktop.dir, desktop.source, desktop.exists], [`${home}/.config/Code/${g}`, "VS Code", false]);
    const none = resolveExtensionDataDir({ platform: "linux", home, env: {}, exists: has([]) });
    assert.deepEqual([none.source, none.exists], ["VS Code Server", false]);
    assert.equal(
      resolveExtensionDataDir({ platform: "linux", home, env: {}, dataDir: "/data/x", exists: has([codeServer]) }).source,
      "--data-dir",
    );
  });
});
