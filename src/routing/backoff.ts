export { backoffDelay, type BackoffOptions } from '../common/backoff';

/**
 * Whether a retry after `delayMs` still fits before the overall deadline, leaving `minAttemptMs` for
 * the attempt itself. When it does not, the caller falls back to the next candidate instead of waiting.
 */
export function fitsDeadline(delayMs: number, remainingMs: number, minAttemptMs = 50): boolean {
  return delayMs + minAttemptMs <= remainingMs;
}
