// The grammars of one loaded model, by their source (GBNF text or JSON schema): building one costs
// milliseconds to seconds, and the same tool schema or GBNF comes with every request that uses it.
import type { Llama, LlamaGrammar } from "node-llama-cpp" with { "resolution-mode": "import" };
import { EngineFailure } from "./engineIpc";

/** Grammars kept; the oldest goes first. */
const GRAMMAR_CACHE_SIZE = 16;

export class GrammarCache {
  private readonly grammars = new Map<string, Promise<LlamaGrammar>>();

  constructor(private readonly llama: Llama) {}

  /** A grammar from GBNF text; invalid GBNF is the request's fault (invalidOptions). */
  gbnf(text: string): Promise<LlamaGrammar> {
    return this.cached(text, () => this.llama.createGrammar({ grammar: text }), "The grammar is not valid GBNF");
  }

  /** A grammar from a JSON schema (createGrammarForJsonSchema). The schema is data from the host
   *  (tool schemas, converted by src/core/lm/grammarSchema.ts). */
  jsonSchema(schema: Record<string, unknown>): Promise<LlamaGrammar> {
    return this.cached(
      `json:${JSON.stringify(schema)}`,
      () => this.llama.createGrammarForJsonSchema(schema as Parameters<Llama["createGrammarForJsonSchema"]>[0]),
      "The JSON schema cannot be turned into a grammar",
    );
  }

  private cached(key: string, create: () => Promise<LlamaGrammar>, failure: string): Promise<LlamaGrammar> {
    const known = this.grammars.get(key);
    if (known) return known;
    if (this.grammars.size >= GRAMMAR_CACHE_SIZE) this.grammars.delete(this.grammars.keys().next().value as string);
    // A failed build is not kept: the next request tries again.
    const made = create().catch((error: unknown) => {
      this.grammars.delete(key);
      throw new EngineFailure("invalidOptions", `${failure}: ${(error as Error).message}`);
    });
    this.grammars.set(key, made);
    return made;
  }
}
