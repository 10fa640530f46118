// llama.cpp's own `llama-server`, built from the llama.cpp source node-llama-cpp ships
// (scripts/build-llama-server.mjs: once per machine, cached outside the repository), started on a
// free port of 127.0.0.1 serving a GGUF (the tiny Mixtral model in tests). A real OpenAI-compatible
// server for the remote-engine tests.
import { spawn, type ChildProcess } from "node:child_process";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { repoRoot } from "./tinyModel";

let building: Promise<string> | undefined;

/** Path of the llama-server binary, building it first if this machine has none (7–8 minutes on
 *  2 cores; progress on stderr). */
export function ensureLlamaServer(): Promise<string> {
  building ??= new Promise<string>((resolve, reject) => {
    const jobs = String(Math.max(1, os.availableParallelism?.() ?? os.cpus().length));
    const child = spawn(process.execPath, [path.join(repoRoot(), "scripts", "build-llama-server.mjs"), "--jobs", jobs], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      const binary = out.trim().split("\n").pop() ?? "";
      if (code === 0 && binary) resolve(binary);
      else reject(new Error(`scripts/build-llama-server.mjs failed (exit ${code})`));
    });
  });
  return building;
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export interface LlamaServer {
  url: string;
  process: ChildProcess;
  /** The server's log so far (stdout and stderr), for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

export interface LlamaServerOptions {
  modelPath: string;
  /** Default 2048. */
  contextSize?: number;
  /** Default: the machine's cores (more threads than cores makes generation far slower). */
  threads?: number;
  /** Model name in /v1/models. Default "tiny-mixtral". */
  alias?: string;
  /** How long to wait for /health. Default 60 s. */
  readyTimeoutMs?: number;
}

export async function startLlamaServer(options: LlamaServerOptions): Promise<LlamaServer> {
  const binary = await ensureLlamaServer();
  const port = await freePort();
  const threads = options.threads ?? Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
  const args = [
    "-m",
    options.modelPath,
    "--host",
    "127.0.0.1",
    "--port",
    String(port),
    "-c",
    String(options.contextSize ?? 2048),
    "-t",
    String(threads),
    "-tb",
    String(threads),
    "--parallel",
    "1",
    "--alias",
    options.alias ?? "tiny-mixtral",
    "--jinja",
    "--no-webui",
    "--no-warmup",
  ];
  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  const keep = (d: Buffer) => {
    log = (log + d.toString()).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    const t = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(t);
  };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  // /health answers 503 while the model loads and 200 once it can serve.
  for (;;) {
    if (child.exitCode !== null) throw new Error(`llama-server exited (${child.exitCode}) before it was ready:\n${log}`);
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`llama-server was not ready in time:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, process: child, log: () => log, stop };
}
