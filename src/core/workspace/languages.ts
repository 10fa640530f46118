// Which tree-sitter grammar parses which file, and which of its nodes define symbols. Grammars are
// the ones VS Code ships (@vscode/tree-sitter-wasm); C is parsed by the C++ grammar, a superset
// close enough to find C's functions, structs and enums.
import type { SymbolKind } from "./types";

export interface LanguageSpec {
  /** The grammar's file: tree-sitter-<grammar>.wasm. */
  readonly grammar: string;
  /** Node types that define a symbol, with its kind. */
  readonly defs: Readonly<Record<string, SymbolKind>>;
  /** Node types walked through to find definitions (bodies, export wrappers, namespaces). */
  readonly transparent: ReadonlySet<string>;
}

const TS_DEFS: Record<string, SymbolKind> = {
  function_declaration: "function",
  generator_function_declaration: "function",
  class_declaration: "class",
  abstract_class_declaration: "class",
  method_definition: "method",
  abstract_method_signature: "method",
  interface_declaration: "interface",
  type_alias_declaration: "type",
  enum_declaration: "enum",
  internal_module: "module",
  module: "module",
  variable_declarator: "variable",
};
const TS_THROUGH = new Set([
  "program",
  "export_statement",
  "class_body",
  "lexical_declaration",
  "variable_declaration",
  "ambient_declaration",
  "statement_block",
  "expression_statement",
]);

const TS: LanguageSpec = { grammar: "typescript", defs: TS_DEFS, transparent: TS_THROUGH };
const TSX: LanguageSpec = { ...TS, grammar: "tsx" };
const JS: LanguageSpec = { ...TS, grammar: "javascript" };

const PYTHON: LanguageSpec = {
  grammar: "python",
  defs: { function_definition: "function", class_definition: "class" },
  transparent: new Set(["module", "decorated_definition", "block"]),
};

const GO: LanguageSpec = {
  grammar: "go",
  defs: { function_declaration: "function", method_declaration: "method", type_spec: "type", type_alias: "type" },
  transparent: new Set(["source_file", "type_declaration"]),
};

const RUST: LanguageSpec = {
  grammar: "rust",
  defs: {
    function_item: "function",
    function_signature_item: "function",
    struct_item: "class",
    enum_item: "enum",
    union_item: "class",
    trait_item: "interface",
    impl_item: "class",
    mod_item: "module",
    macro_definition: "function",
    type_item: "type",
  },
  transparent: new Set(["source_file", "declaration_list"]),
};

const JAVA: LanguageSpec = {
  grammar: "java",
  defs: {
    class_declaration: "class",
    interface_declaration: "interface",
    enum_declaration: "enum",
    record_declaration: "class",
    annotation_type_declaration: "interface",
    method_declaration: "method",
    constructor_declaration: "method",
  },
  transparent: new Set(["program", "class_body", "interface_body", "enum_body", "enum_body_declarations", "record_body"]),
};

const CPP: LanguageSpec = {
  grammar: "cpp",
  defs: {
    function_definition: "function",
    class_specifier: "class",
    struct_specifier: "class",
    union_specifier: "class",
    enum_specifier: "enum",
    namespace_definition: "module",
  },
  transparent: new Set([
    "translation_unit",
    "declaration_list",
    "template_declaration",
    "linkage_specification",
    "field_declaration_list",
    "preproc_if",
    "preproc_ifdef",
    "preproc_else",
    "preproc_elif",
    "type_definition",
    "declaration",
    "field_declaration",
  ]),
};

const CSHARP: LanguageSpec = {
  grammar: "c-sharp",
  defs: {
    class_declaration: "class",
    struct_declaration: "class",
    record_declaration: "class",
    interface_declaration: "interface",
    enum_declaration: "enum",
    method_declaration: "method",
    constructor_declaration: "method",
    property_declaration: "variable",
    namespace_declaration: "module",
    delegate_declaration: "type",
  },
  transparent: new Set(["compilation_unit", "declaration_list", "file_scoped_namespace_declaration"]),
};

const BY_EXTENSION: Record<string, LanguageSpec> = {
  ts: TS,
  mts: TS,
  cts: TS,
  tsx: TSX,
  js: JS,
  jsx: JS,
  mjs: JS,
  cjs: JS,
  py: PYTHON,
  pyi: PYTHON,
  go: GO,
  rs: RUST,
  java: JAVA,
  c: CPP,
  h: CPP,
  cc: CPP,
  cpp: CPP,
  cxx: CPP,
  hpp: CPP,
  hh: CPP,
  hxx: CPP,
  ipp: CPP,
  inl: CPP,
  cs: CSHARP,
};

/** The language of a path by its extension; undefined: the file is cut into line windows. */
export function languageOf(relPath: string): LanguageSpec | undefined {
  const dot = relPath.lastIndexOf(".");
  if (dot < 0 || dot < relPath.lastIndexOf("/")) return undefined;
  return BY_EXTENSION[relPath.slice(dot + 1).toLowerCase()];
}

/** Every grammar a spec names (for shipping and loading checks). */
export const GRAMMARS = ["typescript", "tsx", "javascript", "python", "go", "rust", "java", "cpp", "c-sharp"] as const;
