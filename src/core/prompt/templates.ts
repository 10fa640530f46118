// Renders a feature's instruction template (built-in or the user's `mixtral.prompts.<name>`) into
// the text of one user message. A broken user template never blocks the feature: the built-in one
// is used and the caller gets a PromptTemplateError naming the line, to show once.
import { Template } from "./jinja";
import { PromptTemplateError } from "../errors";
import { DEFAULT_TEMPLATES, FEATURE_NAMES, type FeatureName } from "./defaultTemplates";
import { locateRenderError, locateSyntaxError } from "./templateErrors";

export interface Diagnostic {
  /** 1-based line. */
  line: number;
  severity: "error" | "warning" | "info" | "hint";
  message: string;
  source?: string;
}

export interface Snippet {
  path: string;
  text: string;
}

/** What a feature template can use; see defaultTemplates.ts for each variable's meaning. */
export interface PromptVariables {
  filePath?: string;
  language?: string;
  selection?: string;
  startLine?: number;
  endLine?: number;
  before?: string;
  after?: string;
  diagnostics?: Diagnostic[];
  question?: string;
  instruction?: string;
  testFramework?: string;
  snippets?: Snippet[];
  linePrefix?: string;
  lineSuffix?: string;
  /** Next-edit suggestions: the user's recent edits as unified diffs, oldest first. */
  edits?: { path: string; diff: string }[];
  /** Next-edit suggestions: the marker standing for the cursor inside `selection`. */
  cursorMarker?: string;
}

/** User overrides by feature name (settings `mixtral.prompts.<name>`; "" means built-in). */
export type TemplateOverrides = Partial<Record<FeatureName, string>>;

export interface RenderedTemplate {
  text: string;
  /** True when the user's template was used. */
  custom: boolean;
  /** Set when the user's template is broken and the built-in one was used instead. */
  warning?: PromptTemplateError;
}

/** A backtick fence longer than any run of backticks in the texts (so code can't close it). */
export function fenceFor(...texts: string[]): string {
  let longest = 0;
  for (const t of texts) for (const m of t.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  return "`".repeat(Math.max(3, longest + 1));
}

/** The `fence` a template renders for these variables: longer than any backtick run in the code. */
export function fenceOf(v: PromptVariables): string {
  const code = [
    v.selection,
    v.before,
    v.after,
    v.linePrefix,
    v.lineSuffix,
    ...(v.snippets ?? []).map((s) => s.text),
    ...(v.edits ?? []).map((e) => e.diff),
  ];
  return fenceFor(...code.filter((c): c is string => typeof c === "string"));
}

function variablesFor(v: PromptVariables): Record<string, unknown> {
  return {
    filePath: v.filePath ?? "",
    language: v.language ?? "",
    selection: v.selection ?? "",
    startLine: v.startLine ?? 0,
    endLine: v.endLine ?? 0,
    // Blank lines at the outer edges only add tokens; indentation inside is kept.
    before: (v.before ?? "").replace(/^(?:[ \t]*\n)+/, "").trimEnd(),
    after: (v.after ?? "").replace(/^(?:[ \t]*\n)+/, "").trimEnd(),
    diagnostics: v.diagnostics ?? [],
    question: v.question ?? "",
    instruction: v.instruction ?? "",
    testFramework: v.testFramework ?? "",
    snippets: v.snippets ?? [],
    linePrefix: v.linePrefix ?? "",
    lineSuffix: v.lineSuffix ?? "",
    edits: v.edits ?? [],
    cursorMarker: v.cursorMarker ?? "",
    fence: fenceOf(v),
  };
}

/** Renders `source`; throws PromptTemplateError with the line when it can be found. */
export function renderTemplate(source: string, variables: Record<string, unknown>, name = "template"): string {
  let template: Template;
  try {
    template = new Template(source);
  } catch (err) {
    const line = locateSyntaxError(source);
    throw new PromptTemplateError(
      `The ${name} prompt template has a syntax error${line ? ` on line ${line}` : ""}: ${(err as Error).message}.`,
      "Fix the template in settings, or clear it to use the built-in one.",
    );
  }
  try {
    return template.render(variables);
  } catch (err) {
    const message = (err as Error).message;
    const line = locateRenderError(source, variables, message);
    throw new PromptTemplateError(
      `The ${name} prompt template failed${line ? ` on line ${line}` : ""}: ${message}.`,
      "Fix the template in settings, or clear it to use the built-in one.",
    );
  }
}

/** The user-message text of a feature, from the user's template when set and working. */
export function renderFeatureTemplate(name: FeatureName, variables: PromptVariables, overrides: TemplateOverrides = {}): RenderedTemplate {
  if (!FEATURE_NAMES.includes(name)) throw new PromptTemplateError(`Unknown prompt template "${String(name)}".`);
  const vars = variablesFor(variables);
  const custom = overrides[name];
  if (custom && custom.trim() !== "") {
    try {
      return { text: renderTemplate(custom, vars, `mixtral.prompts.${name}`).trim(), custom: true };
    } catch (err) {
      if (!(err instanceof PromptTemplateError)) throw err;
      return { text: renderTemplate(DEFAULT_TEMPLATES[name], vars, name).trim(), custom: false, warning: err };
    }
  }
  return { text: renderTemplate(DEFAULT_TEMPLATES[name], vars, name).trim(), custom: false };
}

/** How a broken user template is reported wherever it happens (command notification, chat
 *  notice): what broke, where, and that the answer came from the built-in prompt. */
export function builtInPromptNotice(warning: PromptTemplateError): string {
  return `${warning.message} The built-in prompt was used.`;
}
