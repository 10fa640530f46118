// Definitions in a syntax tree: each function, method, class, interface, type, enum, module and
// function-valued variable, with its qualified name ("Class.method") and the lines it spans,
// its doc comment, decorators and export wrapper included.
import type { Node } from "web-tree-sitter";
import type { LanguageSpec } from "./languages";
import { detachString } from "./strings";
import type { SymbolKind } from "./types";

export interface SymbolNode {
  /** The simple name ("method"), what definitions(name) looks up. */
  readonly name: string;
  /** The name with its containers ("Class.method"). */
  readonly qualified: string;
  readonly kind: SymbolKind;
  /** 0-based, inclusive. */
  readonly startRow: number;
  readonly endRow: number;
  readonly children: SymbolNode[];
}

/** Wrappers whose range a definition takes (its export keyword, decorators, `type` keyword). */
const WRAPPERS = new Set([
  "export_statement",
  "decorated_definition",
  "type_declaration",
  "template_declaration",
  "ambient_declaration",
  "lexical_declaration",
  "variable_declaration",
]);
const FUNCTION_VALUES = new Set(["arrow_function", "function_expression", "function", "generator_function", "class"]);
const CONTAINERS = new Set<SymbolKind>(["class", "interface", "module", "enum"]);
const MAX_DEPTH = 12;

export function extractSymbols(root: Node, spec: LanguageSpec): SymbolNode[] {
  const out: SymbolNode[] = [];
  visit(root, spec, "", out, 0);
  return out;
}

function visit(node: Node, spec: LanguageSpec, scope: string, out: SymbolNode[], depth: number): void {
  if (depth > MAX_DEPTH) return;
  for (const child of node.namedChildren) {
    if (!child) continue;
    const kind = spec.defs[child.type];
    const name = kind ? symbolName(child) : undefined;
    if (kind && name) {
      const qualified = (scope ? `${scope}.${name}` : name).replace(/::/g, ".");
      const symbol: SymbolNode = {
        name: detachString(simpleName(name)),
        qualified: detachString(qualified),
        kind: child.type === "variable_declarator" ? variableKind(child) : kind,
        ...rowsWithDoc(child),
        children: [],
      };
      out.push(symbol);
      if (CONTAINERS.has(kind)) {
        const body = child.childForFieldName("body") ?? child;
        visit(body, spec, qualified, symbol.children, depth + 1);
      }
    } else if (spec.transparent.has(child.type)) {
      visit(child, spec, scope, out, depth + 1);
    }
  }
}

function simpleName(name: string): string {
  const parts = name.split(/::|\./);
  return parts[parts.length - 1] || name;
}

function variableKind(node: Node): SymbolKind {
  return node.childForFieldName("value")?.type === "class" ? "class" : "function";
}

/** The name a definition node declares, or undefined when it declares none worth indexing. */
function symbolName(node: Node): string | undefined {
  switch (node.type) {
    case "variable_declarator": {
      const value = node.childForFieldName("value");
      if (!value || !FUNCTION_VALUES.has(value.type)) return undefined;
      return node.childForFieldName("name")?.text;
    }
    case "method_declaration": {
      const receiver = node.childForFieldName("receiver");
      const name = node.childForFieldName("name")?.text;
      if (!receiver || !name) return name;
      // Go: func (s *Server) Start() → Server.Start
      const type = /(\w+)\s*(?:\[[^\]]*\])?\s*\)\s*$/.exec(receiver.text)?.[1];
      return type ? `${type}.${name}` : name;
    }
    case "impl_item":
      return node.childForFieldName("type")?.text.replace(/<.*$/s, "");
    case "function_definition":
      return node.childForFieldName("name")?.text ?? declaratorName(node.childForFieldName("declarator"));
    case "class_specifier":
    case "struct_specifier":
    case "union_specifier":
    case "enum_specifier":
      return node.childForFieldName("body") ? node.childForFieldName("name")?.text : undefined;
    default:
      return node.childForFieldName("name")?.text;
  }
}

/** C/C++: the identifier inside a declarator (pointer, reference and function declarators). */
function declaratorName(declarator: Node | null): string | undefined {
  for (let d = declarator, i = 0; d && i < 8; i++) {
    if (/identifier$|^destructor_name$|^operator_name$/.test(d.type)) return d.text.replace(/\s+/g, "");
    d = d.childForFieldName("declarator") ?? d.namedChildren.find((c) => c?.type.endsWith("identifier")) ?? null;
  }
  return undefined;
}

/** The rows a definition spans, from its leading doc comment (adjacent comments) to its end. */
function rowsWithDoc(node: Node): { startRow: number; endRow: number } {
  let outer = node;
  while (
    outer.parent &&
    WRAPPERS.has(outer.parent.type) &&
    outer.parent.namedChildren.filter((c) => c && !c.type.includes("comment")).length <= 2
  )
    outer = outer.parent;
  let start = outer.startPosition.row;
  for (
    let prev = outer.previousNamedSibling;
    prev && /comment|attribute_item|^attribute$|annotation|decorator/.test(prev.type);
    prev = prev.previousNamedSibling
  ) {
    if (prev.endPosition.row < start - 1) break;
    start = prev.startPosition.row;
  }
  return { startRow: start, endRow: outer.endPosition.row };
}
