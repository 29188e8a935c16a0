import type { OutcomeClass } from '../learning';

/** Error codes of a request that never reached a model, or was turned away before it answered. */
const REFUSED_LOCALLY = new Set(['circuit_open', 'no_available_model', 'rate_limited', 'budget_exceeded']);
/** Error codes the caller's own request caused (its parameters, its size): the model is not at fault. */
const CLIENT_ERROR = new Set([
  'upstream_bad_request',
  'invalid_request',
  'context_length_exceeded',
  'images_not_supported',
  'unsupported_parameter',
]);
/** The model's own real timeouts (the layer's deadline, the request's deadline). */
const TIMEOUT = new Set(['upstream_timeout', 'deadline_exceeded', 'upstream_timeout_error']);

/**
 * The outcome class of one failed attempt (a retry or a fallback followed), from the provider's error kind:
 * a timeout, or the model's failure (5xx, malformed answer, connection, rate limit: it did not answer); a
 * bad request is the caller's, a cancel the client's, auth and not-found the configuration's (not learned).
 */
export function attemptClassOf(kind: string): OutcomeClass {
  if (kind === 'timeout') return 'timeout';
  if (kind === 'cancelled') return 'client_abort';
  if (kind === 'bad_request') return 'client_error';
  if (kind === 'auth' || kind === 'not_found') return 'refused_locally';
  return 'model_failure';
}

/**
 * The outcome class of a routed request, from the gateway's error code: only what the model itself did
 * (success, model failure, timeout) teaches the learner; a client abort, a client error or a local refusal
 * does not. An answer cut at the caller's token budget (finish reason `length`) is still the model's success.
 */
export function outcomeClassOf(success: boolean, errorClass: string | null): OutcomeClass {
  if (success) return 'success';
  const code = errorClass ?? 'upstream_error';
  if (code === 'client_closed') return 'client_abort';
  if (REFUSED_LOCALLY.has(code)) return 'refused_locally';
  if (CLIENT_ERROR.has(code)) return 'client_error';
  if (TIMEOUT.has(code) || code.endsWith('_timeout')) return 'timeout';
  return 'model_failure';
}
