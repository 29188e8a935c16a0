import { z } from 'zod';
import { ToolError } from './tool.types';

/**
 * Pieces shared by tool schemas. GET query strings are already coerced to these types by the REST
 * door (query-coercion.ts), so schemas stay plain: a JSON body with "5" for a number is a type error.
 */
export const pageInput = {
  limit: z.number().int().min(1).max(500).default(100).describe('page size, 1-500 (default 100)'),
  offset: z.number().int().min(0).max(10_000_000).default(0).describe('rows to skip (default 0)'),
};

/** Refuses a JSON value whose serialized size exceeds `max` bytes, naming the field. */
export function assertJsonSize(path: string, value: unknown, max: number): void {
  const size = Buffer.byteLength(JSON.stringify(value ?? {}), 'utf8');
  if (size > max)
    throw ToolError.invalid(path, `is ${size} bytes as JSON; the limit (security.maxJsonFieldBytes) is ${max}`);
}
