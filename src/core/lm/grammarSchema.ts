// A tool's input schema (any JSON Schema a VS Code tool or MCP server declares) turned into the
// subset node-llama-cpp's JSON-schema grammar understands (createGrammarForJsonSchema: type,
// const, enum, oneOf, object properties, array items, string length, $ref into $defs). Whatever the
// grammar cannot express becomes a looser shape (any JSON value, a plain string), never a tighter
// one: the grammar must never forbid an input the tool accepts.
//
// Two grammar rules decide the shape: every listed property is always written (the grammar has no
// optional properties), and an unknown schema becomes `null`. So only REQUIRED properties are kept
// (optional ones are left to the tool's defaults rather than forced to an invented value), and
// "anything" is spelled out as a oneOf of every JSON type.

/** A JSON value in the grammar's schema subset (node-llama-cpp's GbnfJsonSchema, as plain data:
 *  core never imports node-llama-cpp). */
export type GrammarSchema = { readonly [key: string]: unknown };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const isLiteral = (v: unknown) => v === null || ["string", "number", "boolean"].includes(typeof v);
const BASIC_TYPES = new Set(["string", "number", "integer", "boolean", "null"]);
/** Deeper schemas are cut to "any value" (node-llama-cpp refuses very deep nesting). */
const MAX_DEPTH = 8;

/** Any JSON value. */
export const ANY_JSON: GrammarSchema = {
  oneOf: [{ type: ["string", "number", "boolean", "null"] }, { type: "object", additionalProperties: true }, { type: "array" }],
};

/** The grammar subset of `schema`; `defs` are the schema's own `$defs`/`definitions`. */
export function toGrammarSchema(schema: unknown): GrammarSchema {
  const root = isObj(schema) ? schema : {};
  const defs = { ...(isObj(root.definitions) ? root.definitions : {}), ...(isObj(root.$defs) ? root.$defs : {}) };
  const convertedDefs: Obj = {};
  for (const [name, def] of Object.entries(defs)) convertedDefs[name] = convert(def, 1);
  const converted = convert(root, 0);
  return Object.keys(convertedDefs).length > 0 && usesRef(converted) ? { ...converted, $defs: convertedDefs } : converted;
}

function usesRef(schema: unknown): boolean {
  return JSON.stringify(schema).includes('"$ref"');
}

function convert(schema: unknown, depth: number): GrammarSchema {
  if (!isObj(schema) || depth > MAX_DEPTH) return ANY_JSON;
  const description = typeof schema.description === "string" ? { description: schema.description } : {};
  if (typeof schema.$ref === "string") {
    // "#/definitions/X" and "#/$defs/X" both land in $defs; other references are not followed.
    const m = /^#\/(?:\$defs|definitions)\/([^/]+)$/.exec(schema.$ref);
    return m ? { $ref: `#/$defs/${m[1]}`, ...description } : ANY_JSON;
  }
  if ("const" in schema && isLiteral(schema.const)) return { const: schema.const, ...description };
  if (Array.isArray(schema.enum) && schema.enum.length > 0 && schema.enum.every(isLiteral)) return { enum: schema.enum, ...description };
  const alternatives = Array.isArray(schema.oneOf) ? schema.oneOf : Array.isArray(schema.anyOf) ? schema.anyOf : undefined;
  if (alternatives && alternatives.length > 0) return { oneOf: alternatives.map((a) => convert(a, depth + 1)), ...description };
  // allOf: its first part (usually the only one); the rest cannot be intersected by the grammar.
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0 && !schema.type && !schema.properties)
    return convert(schema.allOf[0], depth + 1);

  const types = (Array.isArray(schema.type) ? schema.type : [schema.type]).filter((t): t is string => typeof t === "string");
  const implied = types.length > 0 ? types : schema.properties ? ["object"] : schema.items ? ["array"] : [];
  if (implied.length === 0) return ANY_JSON;
  const shapes = implied.map((t) => typed(t, schema, depth)).filter((s): s is GrammarSchema => s !== undefined);
  if (shapes.length === 0) return ANY_JSON;
  return shapes.length === 1 ? { ...shapes[0], ...description } : { oneOf: shapes, ...description };
}

function typed(type: string, schema: Obj, depth: number): GrammarSchema | undefined {
  switch (type) {
    case "object": {
      const properties = isObj(schema.properties) ? schema.properties : {};
      const required = Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === "string") : [];
      const kept: Obj = {};
      for (const name of required) kept[name] = name in properties ? convert(properties[name], depth + 1) : ANY_JSON;
      // No properties declared at all: a free-form object (the tool takes any keys).
      if (!isObj(schema.properties) && schema.additionalProperties !== false) return { type: "object", additionalProperties: true };
      return { type: "object", properties: kept };
    }
    case "array": {
      const out: Obj = { type: "array", items: isObj(schema.items) ? convert(schema.items, depth + 1) : ANY_JSON };
      if (typeof schema.minItems === "number") out.minItems = schema.minItems;
      if (typeof schema.maxItems === "number") out.maxItems = schema.maxItems;
      return out;
    }
    case "string": {
      const out: Obj = { type: "string" };
      if (typeof schema.minLength === "number") out.minLength = schema.minLength;
      if (typeof schema.maxLength === "number") out.maxLength = schema.maxLength;
      return out;
    }
    default:
      return BASIC_TYPES.has(type) ? { type } : undefined;
  }
}
