// Deterministic chat content for the chat-view benchmark: a realistic streamed answer (prose,
// lists, inline code, links and fenced code blocks of 40 lines in three languages) cut into
// token-sized chunks, and a long conversation to replay. Generated, not random, so every run and
// both sides of a comparison see exactly the same text.
import type { Turn } from "../../src/shared/protocol";

const WORDS = (
  "the model streams each token into the view which keeps the part already rendered and only redraws the tail " +
  "so the cost per token stays flat while the answer grows longer and the conversation scrolls smoothly under load " +
  "a sequence holds its cache between requests and the engine child owns the weights so the host stays small"
).split(" ");

function prose(seed: number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    let w = WORDS[(seed * 7 + i * 13) % WORDS.length];
    if (i % 17 === 5) w = `\`${w}()\``;
    else if (i % 23 === 11) w = `**${w}**`;
    else if (i % 41 === 29) w = `[${w}](https://example.com/docs/${w})`;
    out.push(i === 0 ? w[0].toUpperCase() + w.slice(1) : w);
    if (i % 12 === 11 && i < words - 1) out[out.length - 1] += ".";
  }
  return `${out.join(" ")}.`;
}

function list(seed: number, items: number, ordered: boolean): string {
  return Array.from({ length: items }, (_, i) => `${ordered ? `${i + 1}.` : "-"} ${prose(seed + i, 8 + (i % 3) * 4)}`).join("\n");
}

/** A fenced code block of exactly `lines` lines of plausible code. */
export function codeBlock(lang: "ts" | "python" | "rust", lines: number, seed = 0): string {
  const body: string[] = [];
  for (let i = 0; body.length < lines; i++) {
    const n = seed + i;
    const snippet: Record<typeof lang, string[]> = {
      ts: [
        `// step ${n}: fold a chunk in`,
        `function update${n}(s: State, c: string) {`,
        `  const parts = c.split("\\n");`,
        `  for (const p of parts) s.total += p.length;`,
        `  return { ...s, last: \`#\${${n % 7}}\` };`,
        `}`,
      ],
      python: [
        `# step ${n}: fold a chunk in`,
        `def update_${n}(s: dict, c: str) -> dict:`,
        `    parts = c.split("\\n")`,
        `    for p in parts:`,
        `        s["total"] += len(p) * ${n % 9}`,
        `    return {**s, "last": f"#{${n % 7}}"}`,
      ],
      rust: [
        `/// Step ${n}: fold a chunk in.`,
        `fn update_${n}(s: &mut State, c: &str) {`,
        `    for p in c.lines() {`,
        `        s.total += p.len() * ${n % 9};`,
        `    }`,
        `}`,
      ],
    };
    body.push(...snippet[lang]);
  }
  return "```" + lang + "\n" + body.slice(0, lines).join("\n") + "\n```";
}

/** About `targetTokens` tokens of answer: prose and lists around `codeBlocks` blocks of `codeLines` lines. */
export function streamedAnswer(targetTokens: number, codeBlocks = 3, codeLines = 40): string {
  const langs = ["ts", "python", "rust"] as const;
  const parts: string[] = [];
  for (let b = 0; b < codeBlocks; b++) {
    parts.push(
      `## Part ${b + 1}`,
      prose(b * 3, 60),
      list(b * 5, 4, b % 2 === 1),
      codeBlock(langs[b % 3], codeLines, b * 10),
      prose(b * 3 + 1, 40),
    );
  }
  let text = parts.join("\n\n");
  // Top up with prose to the target (the code blocks are a fixed part of the answer).
  for (let i = 0; tokenize(text).length < targetTokens; i++) text += `\n\n${i % 3 === 2 ? list(i, 3, false) : prose(100 + i, 50)}`;
  return `${text}\n`;
}

/** Splits text into token-sized pieces (a leading space plus up to four characters, or up to
 *  four whitespace characters, as LLM tokens roughly are), preserving every character: joined back they give `text`. */
export function tokenize(text: string): string[] {
  const chunks = text.match(/[ \t]?[^\s]{1,4}|\s{1,4}/g) ?? [];
  if (chunks.join("") !== text) throw new Error("tokenize lost characters");
  return chunks;
}

/** A conversation of `turns` turns (user and assistant alternating); each answer has prose, a
 *  list and a code block. Returns the turns and the number of markdown source lines. */
export function longConversation(turns: number, codeLines = 30): { turns: Turn[]; lines: number } {
  const out: Turn[] = [];
  const langs = ["ts", "python", "rust"] as const;
  for (let i = 0; out.length < turns; i++) {
    out.push({
      id: `hu${i}`,
      role: "user",
      content: `Question ${i}: how does step ${i} handle an empty chunk?\nAnd what if the chunk is huge?`,
    });
    if (out.length >= turns) break;
    const content = [prose(i, 45), list(i, 3, i % 2 === 0), codeBlock(langs[i % 3], codeLines, i), prose(i + 1, 30)].join("\n\n");
    out.push({ id: `ha${i}`, role: "assistant", content, stats: { ttftMs: 120 + i, tokensPerSecond: 150, generatedTokens: 400 } });
  }
  const lines = out.reduce((n, t) => n + t.content.split("\n").length, 0);
  return { turns: out, lines };
}
