// What the vscode.lm tests (languageModel.test.ts) share: the settings they change, the tool they
// offer, and the reading of a response's parts.
import * as assert from "node:assert/strict";
import * as vscode from "vscode";
import { waitFor } from "../helpers/wait";

export const VENDOR = "mixtral-local";
export const config = () => vscode.workspace.getConfiguration("mixtral");
export const G = vscode.ConfigurationTarget.Global;
export const KEYS = ["modelPath", "engine", "remote.url", "maxTokens", "temperature", "threads"];
export const User = (text: string) => vscode.LanguageModelChatMessage.User(text);

/** Bounded values only: with random weights an unbounded string could run to maxTokens. */
export const forecastTool: vscode.LanguageModelChatTool = {
  name: "get_forecast",
  description: "The forecast for a city.",
  inputSchema: {
    type: "object",
    properties: { city: { enum: ["Oslo", "Lima", "Pune"] }, unit: { enum: ["c", "f"] }, tomorrow: { type: "boolean" } },
    required: ["city", "unit", "tomorrow"],
  },
};

export async function mixtral(): Promise<vscode.LanguageModelChat> {
  // The list follows the settings: wait for VS Code to ask the provider again after a change.
  return waitFor("vscode.lm to list a Mixtral model", async () => (await vscode.lm.selectChatModels({ vendor: VENDOR }))[0], 20_000);
}

export async function collect(response: vscode.LanguageModelChatResponse, onPart?: (part: unknown) => void): Promise<unknown[]> {
  const parts: unknown[] = [];
  for await (const part of response.stream) {
    parts.push(part);
    onPart?.(part);
  }
  return parts;
}

export const textOf = (parts: unknown[]) =>
  parts
    .filter((p): p is vscode.LanguageModelTextPart => p instanceof vscode.LanguageModelTextPart)
    .map((p) => p.value)
    .join("");

export function assertForecastCall(parts: unknown[]): vscode.LanguageModelToolCallPart {
  const calls = parts.filter((p): p is vscode.LanguageModelToolCallPart => p instanceof vscode.LanguageModelToolCallPart);
  assert.equal(calls.length, 1, `parts: ${JSON.stringify(parts)}`);
  const [call] = calls;
  assert.equal(call.name, "get_forecast");
  assert.ok(call.callId.length > 0);
  const input = call.input as Record<string, unknown>;
  assert.deepEqual(Object.keys(input).sort(), ["city", "tomorrow", "unit"]);
  assert.ok(["Oslo", "Lima", "Pune"].includes(input.city as string), JSON.stringify(input));
  assert.ok(["c", "f"].includes(input.unit as string), JSON.stringify(input));
  assert.equal(typeof input.tomorrow, "boolean");
  return call;
}

/** VS Code passes a consumer's cancellation on to the provider from 1.127 on (microsoft/vscode#319098). */
export function cancellationReachesProviders(): boolean {
  const [major, minor] = vscode.version.split(".").map(Number);
  return major > 1 || minor >= 127;
}
