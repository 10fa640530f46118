// The child's side of the IPC channel. Everything the engine says to the host goes through here,
// including its log (the engine has no console of its own: the host routes "log" to its channel).
import type { EngineErrorCode, EngineMessage } from "../shared/engineProtocol";

export function send(message: EngineMessage): void {
  // After the host disconnects there is no one to tell; main.ts exits on "disconnect".
  if (process.send && process.connected) process.send(message);
}

export function log(level: "trace" | "debug" | "info" | "warn" | "error", message: string): void {
  send({ type: "log", level, message });
}

/** An expected failure with a protocol error code and a message meant for the user. */
export class EngineFailure extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "EngineFailure";
  }
}

export function sendError(requestId: string, error: unknown): void {
  if (error instanceof EngineFailure) {
    send({ type: "error", requestId, code: error.code, message: error.message });
  } else {
    const message = error instanceof Error ? error.message : String(error);
    send({ type: "error", requestId, code: "internal", message });
    if (error instanceof Error && error.stack) log("error", error.stack);
  }
}
