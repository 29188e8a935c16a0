import { InvalidInputError } from '../errors';

/**
 * How deep a request may nest objects and arrays. Postgres in PGlite's WebAssembly overflows its stack on
 * JSON nested a thousand or so levels deep (jsonb input is parsed recursively): the statement fails with
 * "memory access out of bounds", the embedded database is unusable afterwards, and past ~3,000 levels the
 * process dies. No API a client speaks needs more than a few dozen levels (OpenAI caps structured-output
 * schemas at 5), so requests are refused well before that.
 */
export const MAX_JSON_DEPTH = 64;

/** Path segments shown before the rest of a too-deep path is elided. */
const SHOWN_SEGMENTS = 4;

/**
 * The dotted path to the first value nested deeper than `max` objects and arrays, or undefined when the
 * value stays within it. Stops at max + 1 levels, so its own recursion is bounded.
 */
export function tooDeepPath(value: unknown, max = MAX_JSON_DEPTH): string | undefined {
  const path = deeperThan(value, max);
  if (!path) return undefined;
  return path.slice(0, SHOWN_SEGMENTS).join('.') + (path.length > SHOWN_SEGMENTS ? '...' : '');
}

function deeperThan(value: unknown, levels: number): PropertyKey[] | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (levels === 0) return [];
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const inner = deeperThan(value[i], levels - 1);
      if (inner) return [i, ...inner];
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    const inner = deeperThan((value as Record<string, unknown>)[key], levels - 1);
    if (inner) return [key, ...inner];
  }
  return undefined;
}

/** The refusal of a value nested too deep, wherever it arrives (an HTTP body, a tool's arguments over stdio). */
export function deepJsonError(path: string): InvalidInputError {
  return InvalidInputError.field(path, `nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels`, {
    code: 'too_deeply_nested',
  });
}
