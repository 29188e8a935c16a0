import { z } from 'zod';
import { MAX_JSON_DEPTH } from '../common/json-depth';
import { InvalidInputError } from '../errors';

/**
 * Pieces shared by tool schemas. GET query strings are already coerced to these types by the REST
 * door (query-coercion.ts), so schemas stay plain: a JSON body with "5" for a number is a type error.
 */
export const pageInput = {
  limit: z.number().int().min(1).max(500).default(100).describe('page size, 1-500 (default 100)'),
  offset: z.number().int().min(0).max(10_000_000).default(0).describe('rows to skip (default 0)'),
};

export const NUL_REFUSAL = 'must not contain the NUL character (U+0000)';

const hasNoNul = (s: string) => !s.includes('\u0000');

/**
 * A string that reaches PostgreSQL (stored, or compared in a filter). Postgres text cannot hold
 * U+0000, so the schema refuses it and names the field before any SQL runs.
 */
export function storedText(): z.ZodString {
  return z.string().refine(hasNoNul, NUL_REFUSAL);
}

/**
 * A free-form JSON object stored as jsonb: no key or string value anywhere in it may hold U+0000
 * (jsonb refuses "\u0000"); the issue names the nested path, e.g. `context.note`.
 */
export function storedJsonObject(): z.ZodRecord<z.ZodString, z.ZodUnknown> {
  return z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
    const at = nulPath(value, [], 0);
    if (at) ctx.addIssue({ code: 'custom', message: NUL_REFUSAL, path: at });
  });
}

/** The path of the first key or string holding U+0000, or undefined. */
function nulPath(value: unknown, path: PropertyKey[], depth: number): PropertyKey[] | undefined {
  if (typeof value === 'string') return hasNoNul(value) ? undefined : path;
  if (value === null || typeof value !== 'object' || depth > MAX_JSON_DEPTH) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulPath(value[i], [...path, i], depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, inner] of Object.entries(value)) {
    if (!hasNoNul(key)) return [...path, key];
    const found = nulPath(inner, [...path, key], depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * Refuses a JSON value whose serialized size exceeds `max` bytes, naming the field.
 * @throws InvalidInputError naming `path`
 */
export function assertJsonSize(path: string, value: unknown, max: number): void {
  const size = Buffer.byteLength(JSON.stringify(value ?? {}), 'utf8');
  if (size > max)
    throw InvalidInputError.field(path, `is ${size} bytes as JSON; the limit (security.maxJsonFieldBytes) is ${max}`);
}
