// `path:line` references in an answer ("src/cart.ts:12", `stats.py:3-9`) become links that open
// the file at that line. The link carries no href: data-file and data-line go to the host
// (`openFile`), which opens only a file inside the workspace's folders.
import type MarkdownIt from "markdown-it";

type Md = InstanceType<typeof MarkdownIt>;
type Token = ReturnType<Md["parseInline"]>[number];
type TokenMaker = { Token: new (type: string, tag: string, nesting: -1 | 0 | 1) => Token };

const EXTENSIONS =
  "ts|tsx|js|jsx|mjs|cjs|mts|cts|py|pyi|go|rs|java|kt|kts|scala|c|h|cc|cpp|cxx|hpp|hh|cs|fs|rb|php|swift|m|mm|lua|dart|ex|exs|erl|hs|ml|clj|" +
  "sh|bash|zsh|ps1|sql|json|jsonc|yaml|yml|toml|ini|xml|html|htm|css|scss|less|vue|svelte|md|mdx|rst|txt|gradle|cmake|proto|graphql|tf|nix|r|jl|zig|vb";

/** One reference: a relative path with a known extension, ":" and a line (or a line range). */
const REF = new RegExp(`(?<![\\w/.@:-])((?:[\\w.@-]+/)*[\\w@-][\\w.@-]*\\.(?:${EXTENSIONS})):(\\d{1,7})(?:[-–](\\d{1,7}))?(?![\\w/])`, "g");
const WHOLE_REF = new RegExp(`^${REF.source}$`);

export interface FileRef {
  path: string;
  line: number;
}

/** The references in a text, with where each starts and ends. */
export function findFileRefs(text: string): { start: number; end: number; ref: FileRef }[] {
  const out: { start: number; end: number; ref: FileRef }[] = [];
  for (const m of text.matchAll(REF)) out.push({ start: m.index, end: m.index + m[0].length, ref: { path: m[1], line: Number(m[2]) } });
  return out;
}

function linkTokens(state: TokenMaker, ref: FileRef, inner: Token[]): Token[] {
  const open = new state.Token("link_open", "a", 1);
  open.attrSet("data-file", ref.path);
  open.attrSet("data-line", String(ref.line));
  const close = new state.Token("link_close", "a", -1);
  return [open, ...inner, close];
}

/** The plugin: a core rule after linkify, so a reference linkify took for a domain ("stats.py:3")
 *  becomes a file link too. */
export function fileLinks(md: Md): void {
  md.core.ruler.push("file_links", (state: TokenMaker & { tokens: Token[] }) => {
    for (const block of state.tokens) {
      if (block.type !== "inline" || !block.children) continue;
      const out: Token[] = [];
      const children = block.children;
      for (let i = 0; i < children.length; i++) {
        const t = children[i];
        if (t.type === "link_open") {
          // A link (the model's or linkify's): kept, unless linkify made it from a reference.
          const text = children[i + 1];
          const m =
            t.markup === "linkify" && text?.type === "text" && children[i + 2]?.type === "link_close" ? WHOLE_REF.exec(text.content) : null;
          if (m) {
            out.push(...linkTokens(state, { path: m[1], line: Number(m[2]) }, [text]));
            i += 2;
            continue;
          }
          let depth = 0;
          for (; i < children.length; i++) {
            out.push(children[i]);
            if (children[i].type === "link_open") depth++;
            if (children[i].type === "link_close" && --depth === 0) break;
          }
          continue;
        }
        if (t.type === "code_inline") {
          const m = WHOLE_REF.exec(t.content);
          out.push(...(m ? linkTokens(state, { path: m[1], line: Number(m[2]) }, [t]) : [t]));
          continue;
        }
        if (t.type !== "text") {
          out.push(t);
          continue;
        }
        let last = 0;
        for (const f of findFileRefs(t.content)) {
          if (f.start > last) out.push(textToken(state, t.content.slice(last, f.start)));
          out.push(...linkTokens(state, f.ref, [textToken(state, t.content.slice(f.start, f.end))]));
          last = f.end;
        }
        out.push(last === 0 ? t : textToken(state, t.content.slice(last)));
      }
      block.children = out;
    }
  });
}

function textToken(state: TokenMaker, content: string): Token {
  const t = new state.Token("text", "", 0);
  t.content = content;
  return t;
}
