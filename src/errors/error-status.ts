import type { ErrorKind } from './domain-errors';

/** HTTP status per kind, shared by every HTTP door (REST tools, OpenAI, Anthropic). */
export const HTTP_STATUS: Record<ErrorKind, number> = {
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  method_not_allowed: 405,
  rate_limited: 429,
  budget_exceeded: 429,
  upstream: 502,
  timeout: 504,
  unavailable: 503,
  /** nginx's "client closed request": only ever logged, the client is gone. */
  cancelled: 499,
  internal: 500,
};
