// A scripted typing session over a real source file: the benchmark and the tests replay it.
import type { CursorSnapshot } from "../../../src/core/completion/types";

export const SAMPLE_FILE = `import { formatPrice } from "./money";

export interface Item {
  name: string;
  price: number;
  quantity: number;
}

export function cartTotal(items: Item[]): number {
  return items.reduce((sum, item) => sum + item.price * item.quantity, 0);
}

export function describeCart(items: Item[]): string {
  const lines = items.map((item) => \`\${item.quantity} x \${item.name}\`);
  const total = formatPrice(cartTotal(items));
  return [...lines, \`Total: \${total}\`].join("\\n");
}

export function cheapest(items: Item[]): Item | undefined {
  let best: Item | undefined;
  for (const item of items) {
    if (!best || item.price < best.price) best = item;
  }
  return best;
}
`;

/** The lines of the function body typed (one keystroke per character), replacing the original. */
const TYPED_FUNCTION = "describeCart";

/** Removes `describeCart`'s body and types it back one character at a time (Enter included, with
 *  the editor's auto-indent), yielding a cursor snapshot after every keystroke. */
export function typingSession(source: string, languageId = "typescript", path = "src/cart.ts"): CursorSnapshot[] {
  const lines = source.split("\n");
  const start = lines.findIndex((l) => l.includes(`function ${TYPED_FUNCTION}`)) + 1;
  let end = start;
  while (!/^}/.test(lines[end])) end++;
  const body = lines.slice(start, end);
  const head = lines.slice(0, start);
  const tail = lines.slice(end);
  const steps: CursorSnapshot[] = [];
  const typed: string[] = [];
  for (const target of body) {
    const indent = target.match(/^\s*/)?.[0] ?? "";
    for (let n = indent.length; n <= target.length; n++) {
      const current = target.slice(0, n);
      const text = [...head, ...typed, current, ...tail].join("\n");
      steps.push({ uri: `file:///${path}`, path, languageId, text, line: head.length + typed.length, character: current.length });
    }
    typed.push(target);
  }
  return steps;
}
