// The engine's request loop: loads, generations, tokenizing, shutdown, one typed message at a time.
import { ENGINE_PROTOCOL_VERSION, type HostMessage } from "../shared/engineProtocol";
import { parseHostMessage } from "../shared/engineProtocolParse";
import { EngineFailure, log, send, sendError } from "./engineIpc";
import { loadEngineModel, type LoadedEngine } from "./loadEngineModel";
import { tokenizePrompt } from "./tokenizePrompt";

type NodeLlamaCpp = typeof import("node-llama-cpp", { with: { "resolution-mode": "import" } });

let libPromise: Promise<NodeLlamaCpp>;
let engine: LoadedEngine | undefined;
/** Loads and unloads run one at a time; requests wait for the one in progress. */
let lifecycle: Promise<void> = Promise.resolve();
/** Generations waiting for a load to finish, before their slot has them: true once aborted. */
const awaitingEngine = new Map<string, boolean>();

function enqueue(task: () => Promise<void>): Promise<void> {
  lifecycle = lifecycle.then(task, task);
  return lifecycle;
}

async function currentEngine(): Promise<LoadedEngine> {
  await lifecycle;
  if (!engine) throw new EngineFailure("notLoaded", "No model is loaded.");
  return engine;
}

async function handleLoad(requestId: string, msg: Extract<HostMessage, { type: "load" }>): Promise<void> {
  try {
    let lib: NodeLlamaCpp;
    try {
      lib = await libPromise;
    } catch (error) {
      throw new EngineFailure("backendUnavailable", `node-llama-cpp could not be loaded: ${(error as Error).message}`);
    }
    const releasePrevious = async () => {
      const previous = engine;
      engine = undefined;
      await previous?.dispose();
    };
    engine = await loadEngineModel(
      lib,
      msg.options,
      (fraction, message) => send({ type: "progress", requestId, fraction, message }),
      releasePrevious,
    );
    send({ type: "loaded", requestId, info: engine.info });
  } catch (error) {
    sendError(requestId, error);
  }
}

async function handleGenerate(msg: Extract<HostMessage, { type: "generate" }>): Promise<void> {
  awaitingEngine.set(msg.requestId, false);
  try {
    const loaded = await currentEngine();
    const slot = msg.options.slot === "chat" ? loaded.chat : loaded.completion;
    const aborted = awaitingEngine.get(msg.requestId) === true;
    awaitingEngine.delete(msg.requestId);
    const run = slot.submit(msg.requestId, msg.options);
    if (aborted) slot.abort(msg.requestId);
    await run;
  } catch (error) {
    awaitingEngine.delete(msg.requestId);
    sendError(msg.requestId, error);
  }
}

async function handle(msg: HostMessage): Promise<void> {
  switch (msg.type) {
    case "load":
      return enqueue(() => handleLoad(msg.requestId, msg));
    case "unload":
      return enqueue(async () => {
        try {
          const previous = engine;
          engine = undefined;
          await previous?.dispose();
          send({ type: "unloaded", requestId: msg.requestId });
        } catch (error) {
          sendError(msg.requestId, error);
        }
      });
    case "generate":
      return handleGenerate(msg);
    case "tokenize":
      try {
        const { model } = await currentEngine();
        const tokens = tokenizePrompt(model, msg.prompt);
        send({ type: "tokens", requestId: msg.requestId, tokens, pieces: tokens.map((t) => model.detokenize([t], true)) });
      } catch (error) {
        sendError(msg.requestId, error);
      }
      return;
    case "countTokens":
      try {
        const { model } = await currentEngine();
        // Same rule as tokenizePrompt's text runs (special tokens off, SentencePiece's leading ▁).
        const counts = msg.texts.map((t) => (t.length > 0 ? model.tokenize(t, false).length : 0));
        send({ type: "counts", requestId: msg.requestId, counts });
      } catch (error) {
        sendError(msg.requestId, error);
      }
      return;
    case "abort":
      // A late abort (the generation already done) finds neither and is dropped.
      if (!engine?.chat.abort(msg.requestId) && !engine?.completion.abort(msg.requestId) && awaitingEngine.has(msg.requestId)) {
        awaitingEngine.set(msg.requestId, true);
      }
      return;
    case "shutdown":
      await enqueue(async () => {
        const previous = engine;
        engine = undefined;
        await previous?.dispose();
      });
      process.exit(0);
      return;
    default: {
      const _exhaustive: never = msg;
      void _exhaustive;
    }
  }
}

/** Serves the host over the IPC channel until it disconnects or says shutdown. */
export function serve(lib: Promise<NodeLlamaCpp>): void {
  libPromise = lib;
  process.on("message", (raw: unknown) => {
    const msg = parseHostMessage(raw);
    if (!msg) {
      log("warn", `ignored a malformed message from the host: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    void handle(msg);
  });

  // An uncaught error leaves the process in an unknown state: say so, then exit so the host's
  // supervisor restarts a clean one (rather than dying silently or limping on).
  process.on("uncaughtException", (error) => {
    sendError("engine", error);
    setTimeout(() => process.exit(70), 100);
  });
  process.on("unhandledRejection", (reason) => {
    log("error", `unhandled rejection in the engine: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
  });
  // The host went away (VS Code closed or the extension host crashed): nothing left to serve.
  process.on("disconnect", () => process.exit(0));

  send({ type: "ready", protocolVersion: ENGINE_PROTOCOL_VERSION, pid: process.pid });
}
