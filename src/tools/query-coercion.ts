/**
 * GET /tools/:name?... carries strings; this turns them into the types the tool's JSON Schema asks
 * for (number, integer, boolean, array) so that the same zod schema validates REST GET, POST and MCP.
 * Values that do not convert are passed through unchanged and the schema reports them.
 */
export function coerceQuery(
  query: Record<string, unknown>,
  inputSchema: Record<string, unknown>,
): Record<string, unknown> {
  const properties = (inputSchema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(query)) {
    out[key] = coerceValue(value, properties[key]);
  }
  return out;
}

function typesOf(schema: Record<string, unknown> | undefined): string[] {
  if (!schema) return [];
  if (typeof schema.type === 'string') return [schema.type];
  if (Array.isArray(schema.type)) return schema.type as string[];
  const variants = (schema.anyOf ?? schema.oneOf) as Record<string, unknown>[] | undefined;
  return variants ? variants.flatMap((v) => typesOf(v)) : [];
}

/** The item schema of an array, also when the array is one branch of an anyOf (a nullable list). */
function itemsOf(schema: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!schema) return undefined;
  if (schema.items) return schema.items as Record<string, unknown>;
  const variants = (schema.anyOf ?? schema.oneOf) as Record<string, unknown>[] | undefined;
  return variants?.map(itemsOf).find(Boolean);
}

function coerceValue(value: unknown, schema: Record<string, unknown> | undefined): unknown {
  const types = typesOf(schema);
  if (Array.isArray(value)) return types.includes('array') ? value.map((v) => coerceValue(v, itemsOf(schema))) : value;
  if (typeof value !== 'string') return value;
  if (types.includes('string')) return value;
  if ((types.includes('number') || types.includes('integer')) && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  if (types.includes('boolean') && (value === 'true' || value === 'false')) return value === 'true';
  if (types.includes('array')) return value.split(',').map((v) => coerceValue(v, itemsOf(schema)));
  if (types.includes('null') && value === 'null') return null;
  return value;
}
