// Shared set-up for the engine tests: the real dist/engine.js child, the real node-llama-cpp and
// the tiny generated Mixtral-architecture model.
import * as assert from "node:assert/strict";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { EngineClient } from "../../../src/core/engineClient/EngineClient";
import type { EngineClientOptions } from "../../../src/core/engineClient/engineClientOptions";
import type { GenerateRequest } from "../../../src/core/engineClient/types";
import type { LoadOptions, PromptSegment } from "../../../src/shared/engineProtocol";
import { ensureTinyModel, repoRoot } from "../../helpers/tinyModel";

export function enginePath(): string {
  const file = path.join(repoRoot(), "dist", "engine.js");
  assert.ok(existsSync(file), `${file} is missing: run \`npm run build\` before the engine tests`);
  return file;
}

export interface Logged {
  level: string;
  message: string;
}

export function makeClient(options: Partial<EngineClientOptions> = {}): { client: EngineClient; logs: Logged[] } {
  const logs: Logged[] = [];
  const client = new EngineClient({
    enginePath: enginePath(),
    onLog: (level, message) => logs.push({ level, message }),
    restart: { delaysMs: [50, 50, 50] },
    ...options,
  });
  return { client, logs };
}

export async function tinyLoadOptions(overrides: Partial<LoadOptions> = {}): Promise<LoadOptions> {
  return {
    modelPath: await ensureTinyModel("q8_0"),
    backend: "cpu",
    gpuLayers: 0,
    contextSize: 4096,
    // One thread: the test machine is shared, and spinning threads on busy cores crawl.
    threads: 1,
    flashAttention: "auto",
    useMmap: true,
    loraAdapters: [],
    ...overrides,
  };
}

export function chatPrompt(user: string): PromptSegment[] {
  return [{ type: "bos" }, { type: "text", text: `[INST] ${user} [/INST]` }];
}

export function request(prompt: PromptSegment[], overrides: Partial<GenerateRequest> = {}): GenerateRequest {
  return { slot: "chat", prompt, maxTokens: 16, temperature: 0, ...overrides };
}

/** A prompt of about `words` tokens of ordinary text. */
export function longPrompt(words: number): PromptSegment[] {
  const vocabulary = ["the", "function", "returns", "a", "value", "for", "each", "item", "in", "list"];
  const text = Array.from({ length: words }, (_, i) => vocabulary[i % vocabulary.length]).join(" ");
  return chatPrompt(text);
}

/** A chat prompt of about `tokens` tokens on this client's model. */
export async function promptOfAbout(client: EngineClient, tokens: number): Promise<PromptSegment[]> {
  const probe = longPrompt(500);
  const perWord = (await client.tokenize(probe)).tokens.length / 500;
  return longPrompt(Math.floor(tokens / perWord));
}
