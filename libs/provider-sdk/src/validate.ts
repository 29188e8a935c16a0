import type { z } from 'zod';
import { ProviderError } from './errors';

/**
 * Checks an upstream payload against a schema. A mismatch is the upstream's fault, so it becomes
 * malformed_response (retryable), never a TypeError deep in a plugin.
 */
export function expectShape<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
  throw new ProviderError(
    'malformed_response',
    `${what} has an unexpected shape${where}: ${issue?.message ?? 'invalid'}`,
    { cause: parsed.error },
  );
}

/** Call options for a plugin's own housekeeping calls (model lists, health checks). */
export function internalCall(timeoutMs: number): { signal: AbortSignal; timeoutMs: number } {
  return { signal: new AbortController().signal, timeoutMs };
}
