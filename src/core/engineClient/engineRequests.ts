// One request/reply exchange with the engine process each: what is sent, which replies settle
// it, and what the caller gets when the process dies first. No lifecycle policy here.
import type { EngineMessage, HostMessage, LoadOptions, ModelInfo } from "../../shared/engineProtocol";
import { EngineCrashedError } from "../errors";
import { abortError, cancelledResult, completedResult, crashedResult, engineError, type PartialProgress } from "./engineResults";
import type { EngineProcess } from "./EngineProcess";
import type { PendingRequests } from "./PendingRequests";
import type { GenerateRequest, GenerateResult } from "./types";

export interface Channel {
  proc: EngineProcess;
  pending: PendingRequests;
  /** Runs a caller's callback so that a throw is logged, never breaking the bookkeeping. */
  safely(callback: () => void): void;
}

function post(channel: Channel, message: HostMessage): void {
  // A failed send means the process is gone: its exit settles the request.
  channel.proc.send(message);
}

export interface GenerateCallbacks {
  onChunk(text: string): void;
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
  /** Called once the request is settled, however. */
  onSettled(): void;
}

/** Streams one generation. A cancel is a message, not a rejection: the engine answers "done" with
 *  the partial text once its slot is free. From the cancel on, the caller sees no more chunks (the
 *  engine may have sent a few before the cancel reached it) and its result is the text it saw. */
export function requestGenerate(channel: Channel, request: GenerateRequest, cb: GenerateCallbacks): Promise<GenerateResult> {
  // A cancel that came while the request was starting (the model loading) found no listener yet.
  if (cb.signal?.aborted) {
    cb.onSettled();
    return Promise.resolve(cancelledResult(request.maxTokens));
  }
  const progress: PartialProgress = { text: "", chunks: 0, startedAt: Date.now() };
  return new Promise<GenerateResult>((resolve, reject) => {
    const onAbort = () => channel.proc.send({ type: "abort", requestId });
    const finish = () => {
      cb.signal?.removeEventListener("abort", onAbort);
      channel.pending.close(requestId);
      cb.onSettled();
    };
    const requestId = channel.pending.open({
      kind: "generate",
      onMessage: (message) => {
        if (message.type === "chunk") {
          if (cb.signal?.aborted) return;
          progress.text += message.text;
          progress.chunks++;
          progress.firstChunkAt ??= Date.now();
          channel.safely(() => cb.onChunk(message.text));
        } else if (message.type === "progress") {
          if (message.message === "prompt") channel.safely(() => cb.onProgress?.(message.fraction));
        } else if (message.type === "done") {
          finish();
          // Cancelled: what the caller saw, marked stopped if the engine had written more.
          const cutShort = cb.signal?.aborted === true && message.text !== progress.text;
          resolve(
            completedResult(
              cutShort ? progress.text : message.text,
              cutShort ? "abort" : message.stopReason,
              message.stats,
              request.maxTokens,
            ),
          );
        } else if (message.type === "error") {
          finish();
          reject(engineError(message.code, message.message));
        }
      },
      onExit: (reason) => {
        finish();
        resolve(crashedResult(progress, reason));
      },
    });
    cb.signal?.addEventListener("abort", onAbort, { once: true });
    post(channel, { type: "generate", requestId, options: { ...request } });
  });
}

export function requestLoad(
  channel: Channel,
  options: LoadOptions,
  onProgress: (fraction: number, message?: string) => void,
  onCrash: (reason: string) => Error,
): Promise<ModelInfo> {
  return new Promise<ModelInfo>((resolve, reject) => {
    const requestId = channel.pending.open({
      kind: "load",
      onMessage: (message) => {
        if (message.type === "progress") {
          onProgress(message.fraction, message.message);
        } else if (message.type === "loaded") {
          channel.pending.close(requestId);
          resolve(message.info);
        } else if (message.type === "error") {
          channel.pending.close(requestId);
          reject(engineError(message.code, message.message));
        }
      },
      onExit: (reason) => reject(onCrash(reason)),
    });
    post(channel, { type: "load", requestId, options });
  });
}

/** A request answered by one message of type `reply` (or "error"). */
export function requestReply(
  channel: Channel,
  build: (requestId: string) => HostMessage,
  reply: EngineMessage["type"],
  signal?: AbortSignal,
): Promise<EngineMessage> {
  if (signal?.aborted) return Promise.reject(abortError("The request"));
  return new Promise<EngineMessage>((resolve, reject) => {
    const onAbort = () => {
      channel.pending.close(requestId);
      reject(abortError("The request"));
    };
    const requestId = channel.pending.open({
      kind: "other",
      onMessage: (message) => {
        if (message.type !== reply && message.type !== "error") return;
        signal?.removeEventListener("abort", onAbort);
        channel.pending.close(requestId);
        if (message.type === "error") reject(engineError(message.code, message.message));
        else resolve(message);
      },
      onExit: (reason) => {
        signal?.removeEventListener("abort", onAbort);
        reject(new EngineCrashedError(`The request failed: ${reason}.`));
      },
    });
    signal?.addEventListener("abort", onAbort, { once: true });
    post(channel, build(requestId));
  });
}
