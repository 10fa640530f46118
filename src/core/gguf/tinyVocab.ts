// The SentencePiece (llama) vocabulary of the tiny test model: Mistral's layout (<unk>, <s>, </s>,
// then the 256 byte-fallback tokens) followed by pieces for English, code and the [INST] markers.
// llama.cpp's SPM tokenizer only merges adjacent symbols whose concatenation is a piece, so every
// piece brings all its prefixes; scores grow with length so longer merges win.

/** Mixtral-8x7B-Instruct-v0.1's chat template, as embedded in the published GGUFs. */
import { gv, type GgufValue } from "./ggufBytes";

export const MIXTRAL_CHAT_TEMPLATE =
  "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}" +
  "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}" +
  "{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}" +
  "{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token}}" +
  "{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}";

/** llama.cpp token types. */
export const TokenType = { normal: 1, unknown: 2, control: 3, userDefined: 4, unused: 5, byte: 6 } as const;

export const SPM_SPACE = "\u2581"; // "▁", SentencePiece's word-boundary marker

const WORDS = // English
  (
    "the a an and or not is are was were be been it this that these those of to in on at for with " +
    "from by as if then else when where what which who why how can could should would will do does " +
    "did done have has had you your we our they their he she his her i me my us all any some more " +
    "most many much no yes ok hello hi world here there now new old good great best very just only " +
    "also than so but about into over out up down first last next each every other same such one two " +
    "three four five ten time way use used using make made get set see need want like know think " +
    "answer question explain example code file line lines text word words name names value values " +
    "result results error errors problem problems fix fixed test tests check run runs call calls " +
    "write read open close start stop end begin data list item items number numbers string strings " +
    "user users model models help please thanks sure let here's following below above because " +
    // code
    "function return const let var if else for while do switch case break continue class interface " +
    "type enum import export default from async await new this self def print lambda yield try catch " +
    "finally throw throws raise except pass None null undefined true false True False void int float " +
    "double char bool boolean str number object array map filter reduce length size push pop append " +
    "len range self main args argv console log printf println std vector include namespace public " +
    "private protected static final extends implements package module require fn mut impl struct " +
    "match use pub crate mod trait where sum add sub mul div count index key keys val sort sorted " +
    "min max abs sqrt math Math JSON parse stringify Promise Error Array Object String Number Map Set " +
    "foo bar baz tmp temp res req err ctx cfg config options opts path dir src dst input output"
  )
    .split(/\s+/)
    .filter(Boolean);

const SYMBOLS = [
  "[INST]",
  "[/INST]",
  "()",
  "();",
  "{}",
  "[]",
  "=>",
  "==",
  "===",
  "!=",
  "!==",
  "<=",
  ">=",
  "->",
  "::",
  "+=",
  "-=",
  "*=",
  "++",
  "--",
  "&&",
  "||",
  "//",
  "/*",
  "*/",
  "**",
  "){",
  ");",
  "},",
  "];",
  '""',
  "''",
  "``",
  "...",
  "0x",
  "10",
  "100",
  "1000",
  "42",
];

/** Pieces that stand alone and also start words: they get a "▁" form too. */
const ASCII = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i));

export interface TinyVocab {
  readonly tokens: string[];
  readonly scores: number[];
  readonly tokenTypes: number[];
  /** Ids whose output logit the generator suppresses (control, unknown, non-ASCII bytes...). */
  readonly suppressed: ReadonlySet<number>;
}

const byteToken = (b: number): string => `<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`;

export function buildTinyVocab(): TinyVocab {
  const pieces = new Set<string>();
  const addWithPrefixes = (piece: string): void => {
    const chars = Array.from(piece);
    for (let k = 1; k <= chars.length; k++) pieces.add(chars.slice(0, k).join(""));
  };
  addWithPrefixes(SPM_SPACE);
  for (let n = 2; n <= 8; n++) addWithPrefixes(SPM_SPACE.repeat(n)); // indentation runs
  for (const c of ASCII) {
    addWithPrefixes(c);
    addWithPrefixes(SPM_SPACE + c);
  }
  for (const w of [...WORDS, ...SYMBOLS]) {
    addWithPrefixes(w);
    addWithPrefixes(SPM_SPACE + w);
  }

  // Shorter pieces first (like a trained vocab's frequent pieces), stable otherwise.
  const sorted = [...pieces].sort((a, b) => Array.from(a).length - Array.from(b).length);

  const tokens: string[] = ["<unk>", "<s>", "</s>"];
  const scores: number[] = [0, 0, 0];
  const tokenTypes: number[] = [TokenType.unknown, TokenType.control, TokenType.control];
  for (let b = 0; b < 256; b++) {
    tokens.push(byteToken(b));
    scores.push(0);
    tokenTypes.push(TokenType.byte);
  }
  for (const p of sorted) {
    tokens.push(p);
    // Longer pieces score higher; a tiny id term keeps scores distinct (deterministic merges).
    scores.push(Array.from(p).length - tokens.length * 1e-6);
    tokenTypes.push(TokenType.normal);
  }

  // Greedy output must be real text: a byte token above 0x7F alone is invalid UTF-8 and does not
  // re-tokenize to itself (breaks KV prefix reuse). Keep "\n" and "\t": they re-tokenize as bytes.
  const suppressed = new Set<number>([0, 1, 2]);
  for (let b = 0; b < 256; b++) if (b !== 0x0a && b !== 0x09) suppressed.add(3 + b);
  return { tokens, scores, tokenTypes, suppressed };
}

/** ChatML (Qwen, OpenHermes and many fine-tunes): a fixture whose format is not Mixtral's. */
export const CHATML_CHAT_TEMPLATE =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

/** The chat templates `mixtral-local fixture --chat-template` can write. */
export const FIXTURE_CHAT_TEMPLATES = { mixtral: MIXTRAL_CHAT_TEMPLATE, chatml: CHATML_CHAT_TEMPLATE } as const;
export type FixtureChatTemplate = keyof typeof FIXTURE_CHAT_TEMPLATES;

/** The SentencePiece tokenizer keys both generated models carry (ids: <unk> 0, <s> 1, </s> 2). */
export function spmTokenizerMetadata(tokens: string[], scores: number[], tokenTypes: number[]): Record<string, GgufValue> {
  return {
    "tokenizer.ggml.model": gv.str("llama"),
    "tokenizer.ggml.tokens": gv.array("string", tokens),
    "tokenizer.ggml.scores": gv.array("f32", scores),
    "tokenizer.ggml.token_type": gv.array("i32", tokenTypes),
    "tokenizer.ggml.bos_token_id": gv.u32(1),
    "tokenizer.ggml.eos_token_id": gv.u32(2),
    "tokenizer.ggml.unknown_token_id": gv.u32(0),
    "tokenizer.ggml.add_bos_token": gv.bool(true),
    "tokenizer.ggml.add_eos_token": gv.bool(false),
    "tokenizer.chat_template": gv.str(MIXTRAL_CHAT_TEMPLATE),
  };
}
