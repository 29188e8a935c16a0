import { InvalidInputError, NotFoundError } from '../errors';
import { Scope, SCOPES } from './api-key.entity';

export { SCOPES };
export type { Scope };

/** What a verified bearer key may do; set on the request as `req.auth` (unset when the gateway runs open). */
export interface AuthContext {
  keyId: number;
  scopes: readonly Scope[];
}

/** `admin` implies every scope. */
export function hasScope(granted: readonly string[], needed: Scope): boolean {
  return granted.includes('admin') || granted.includes(needed);
}

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/** Parses "a,b" (or a list) into unique, known scopes; throws with the reason otherwise. */
export function parseScopes(input: string | readonly string[]): Scope[] {
  const parts = (typeof input === 'string' ? input.split(',') : [...input])
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (parts.length === 0) throw new ApiKeyInputError(`no scopes given; choose from ${SCOPES.join(', ')}`);
  const unknown = parts.filter((s) => !isScope(s));
  if (unknown.length > 0)
    throw new ApiKeyInputError(
      `unknown scope${unknown.length > 1 ? 's' : ''} ${unknown.map((s) => `"${s}"`).join(', ')}; choose from ${SCOPES.join(', ')}`,
    );
  return [...new Set(parts as Scope[])];
}

/** Bad input for a key operation (name, scopes, reference): the CLI answers it with exit code 2. */
export class ApiKeyInputError extends InvalidInputError {}

/** A key reference (id or prefix) that matches no key, or more than one. */
export class ApiKeyNotFoundError extends NotFoundError {}
