// Reads one file for the index and says why it is left out when it is: binary (a NUL byte in
// its first 8 KiB), minified (a line longer than MINIFIED_LINE characters, or an average line
// over 300 on a file of several KiB), or unreadable. Text that is not valid UTF-8 is read as
// Latin-1 (every byte a character) so its identifiers still count.
import * as fs from "node:fs/promises";

export const MINIFIED_LINE = 5000;

export type SourceText =
  { readonly kind: "text"; readonly text: string } | { readonly kind: "binary" | "minified" | "unreadable" | "tooLarge" };

const utf8 = new TextDecoder("utf-8", { fatal: true });

export async function readSourceText(abs: string, maxFileBytes: number): Promise<SourceText> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(abs);
  } catch {
    return { kind: "unreadable" };
  }
  return classifySource(bytes, maxFileBytes);
}

export function classifySource(bytes: Uint8Array, maxFileBytes: number): SourceText {
  if (bytes.length > maxFileBytes) return { kind: "tooLarge" };
  if (bytes.subarray(0, 8192).includes(0)) return { kind: "binary" };
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (isMinified(text)) return { kind: "minified" };
  return { kind: "text", text };
}

function isMinified(text: string): boolean {
  let lines = 1;
  let start = 0;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) {
    if (i - start > MINIFIED_LINE) return true;
    start = i + 1;
    lines++;
  }
  if (text.length - start > MINIFIED_LINE) return true;
  return text.length > 4096 && text.length / lines > 300;
}
