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
