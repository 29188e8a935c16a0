/**
 * Tool schemas that clients mapping them onto a single-`type` dialect (Gemini's function declarations,
 * the OpenAPI subset) accept: zod writes a nullable field as `type: ["string", "null"]` and a value of
 * any JSON as `{}`; both are legal JSON Schema that such clients reject or silently weaken.
 */
export type JsonSchema = Record<string, unknown>;
type Node = JsonSchema | boolean;

/** Keywords whose value is a subschema, a list of them, or a map of them (JSON Schema 2020-12). */
const SINGLE = [
  'items',
  'contains',
  'not',
  'propertyNames',
  'if',
  'then',
  'else',
  'additionalProperties',
  'unevaluatedProperties',
  'additionalItems',
  'unevaluatedItems',
  'contentSchema',
];
const LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const MAPS = ['properties', 'patternProperties', 'dependentSchemas', 'dependencies', '$defs', 'definitions'];
/** Where a bare true/false is the usual spelling ("any further property" / "none"). */
const BOOLEAN_OK = new Set(['additionalProperties', 'unevaluatedProperties', 'additionalItems', 'unevaluatedItems']);

/** Keywords that constrain a value; a schema with none of them accepts anything. */
const CONSTRAINING = new Set([
  'type', 'enum', 'const', 'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum',
  'maxLength', 'minLength', 'pattern', 'format', 'contentMediaType', 'contentEncoding', 'contentSchema',
  'maxItems', 'minItems', 'uniqueItems', 'maxContains', 'minContains', 'maxProperties', 'minProperties',
  'required', 'dependentRequired', 'allOf', 'anyOf', 'oneOf', 'not', 'items', 'prefixItems', 'contains',
  'additionalItems', 'unevaluatedItems', 'properties', 'patternProperties', 'additionalProperties',
  'unevaluatedProperties', 'propertyNames', 'dependentSchemas', 'dependencies', '$ref', '$dynamicRef',
]); // prettier-ignore

/** The keywords that apply to one type only: they move into that type's branch when a type list is split. */
const BY_TYPE: Record<string, string[]> = {
  string: ['minLength', 'maxLength', 'pattern', 'format', 'contentMediaType', 'contentEncoding', 'contentSchema'],
  number: ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'],
  integer: ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'],
  array: ['items', 'prefixItems', 'contains', 'minItems', 'maxItems', 'uniqueItems', 'minContains', 'maxContains'],
  object: [
    'properties', 'required', 'additionalProperties', 'patternProperties', 'propertyNames',
    'minProperties', 'maxProperties', 'dependentRequired', 'dependentSchemas', 'unevaluatedProperties',
  ],
}; // prettier-ignore

/** Any JSON value, spelled so that every branch has one type (instead of `{}` or `true`). */
const ANY_JSON_VALUE: JsonSchema[] = ['object', 'array', 'string', 'number', 'boolean', 'null'].map((type) => ({
  type,
}));

const isSchema = (value: unknown): value is JsonSchema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function constrains(node: JsonSchema): boolean {
  return Object.keys(node).some((key) => CONSTRAINING.has(key)) || ('if' in node && ('then' in node || 'else' in node));
}

/** `type: [a, b]` becomes `anyOf: [{type: a, ...a's keywords}, {type: b, ...}]`; annotations stay outside. */
function splitTypeList(node: JsonSchema, types: string[]): JsonSchema {
  const moved = new Set(types.flatMap((t) => BY_TYPE[t] ?? []));
  const rest = Object.fromEntries(Object.entries(node).filter(([k]) => k !== 'type' && !moved.has(k)));
  const branches = types.map((type) => ({
    type,
    ...Object.fromEntries((BY_TYPE[type] ?? []).filter((k) => k in node).map((k) => [k, node[k]])),
  }));
  if (!('anyOf' in rest)) return { ...rest, anyOf: branches };
  const { anyOf, ...others } = rest;
  return { ...others, allOf: [...((others.allOf as unknown[]) ?? []), { anyOf }, { anyOf: branches }] };
}

function portableNode(node: Node, keyword?: string): Node {
  if (typeof node === 'boolean') {
    if (keyword !== undefined && BOOLEAN_OK.has(keyword)) return node;
    return node ? { anyOf: ANY_JSON_VALUE } : { not: {} };
  }
  if (!isSchema(node)) return node;
  if (!constrains(node) && keyword !== 'not')
    return keyword !== undefined && BOOLEAN_OK.has(keyword) ? true : { ...node, anyOf: ANY_JSON_VALUE };
  let out: JsonSchema = { ...node };
  for (const key of MAPS)
    if (isSchema(out[key]))
      out[key] = Object.fromEntries(Object.entries(out[key]).map(([k, v]) => [k, portableNode(v as Node, key)]));
  for (const key of LISTS)
    if (Array.isArray(out[key])) out[key] = (out[key] as Node[]).map((v) => portableNode(v, key));
  for (const key of SINGLE) {
    if (!(key in out)) continue;
    out[key] = Array.isArray(out[key])
      ? (out[key] as Node[]).map((v) => portableNode(v, key))
      : portableNode(out[key] as Node, key);
  }
  if (Array.isArray(out.type)) out = splitTypeList(out, out.type as string[]);
  return out;
}

/** The same contract, written portably: one `type` per schema, and no schema without a keyword. */
export function portableSchema(schema: JsonSchema): JsonSchema {
  return portableNode(schema) as JsonSchema;
}

/** Where a schema is not portable (a type list, a schema that constrains nothing, a bare boolean): JSON paths. */
export function portabilityIssues(schema: unknown, path = '', keyword?: string): string[] {
  if (typeof schema === 'boolean')
    return keyword !== undefined && BOOLEAN_OK.has(keyword) ? [] : [`${path || '(root)'}: bare ${schema}`];
  if (!isSchema(schema)) return [];
  const issues: string[] = [];
  if (Array.isArray(schema.type)) issues.push(`${path || '(root)'}: type list ${JSON.stringify(schema.type)}`);
  if (!constrains(schema) && keyword !== 'not') issues.push(`${path || '(root)'}: no keyword (accepts anything)`);
  const child = (key: string, sub: unknown, at: string) => issues.push(...portabilityIssues(sub, at, key));
  for (const key of MAPS)
    if (isSchema(schema[key])) for (const [k, v] of Object.entries(schema[key])) child(key, v, `${path}.${key}.${k}`);
  for (const key of LISTS)
    if (Array.isArray(schema[key])) (schema[key] as unknown[]).forEach((v, i) => child(key, v, `${path}.${key}[${i}]`));
  for (const key of SINGLE) {
    if (!(key in schema)) continue;
    const value = schema[key];
    if (Array.isArray(value)) value.forEach((v, i) => child(key, v, `${path}.${key}[${i}]`));
    else child(key, value, `${path}.${key}`);
  }
  return issues;
}
