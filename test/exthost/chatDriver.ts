// Drives the chat as its view does, from the extension-host tests: a message goes through the
// same validation and handler as the webview's (mixtral._test.chatMessage), and what the host
// posted back to the view is read with mixtral._test.chatPosts (both registered in test mode only).
import * as vscode from "vscode";
import type { Attachment, HostToWebview, Turn } from "../../src/shared/protocol";

export type Notice = Extract<HostToWebview, { type: "notice" }>;

export interface ChatExchange {
  posts: HostToWebview[];
  notices: Notice[];
  /** The finished assistant turn (the last `done`), if the exchange produced one. */
  answer: Turn | undefined;
}

/** Messages posted since the last call. */
export async function drainPosts(): Promise<HostToWebview[]> {
  return (await vscode.commands.executeCommand<HostToWebview[]>("mixtral._test.chatPosts")) ?? [];
}

export function exchangeOf(posts: HostToWebview[]): ChatExchange {
  const notices = posts.filter((p): p is Notice => p.type === "notice");
  const done = posts.filter((p): p is Extract<HostToWebview, { type: "done" }> => p.type === "done").at(-1);
  return { posts, notices, answer: done?.turn };
}

/** Sends `text` as the chat input does and resolves once the host has handled it (answer finished). */
export async function sendChat(text: string, attachments: Attachment[] = []): Promise<ChatExchange> {
  await drainPosts();
  await vscode.commands.executeCommand("mixtral._test.chatMessage", { type: "send", text, attachments });
  return exchangeOf(await drainPosts());
}
