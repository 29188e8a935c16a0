export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

/**
 * Delay before retry number `retry` (1 = first retry): exponential from baseMs, capped at maxMs,
 * with "equal jitter" (half fixed, half random) so that clients that failed together do not
 * retry together. A Retry-After from the upstream is a floor: we never come back sooner.
 */
export function backoffDelay(
  retry: number,
  opts: BackoffOptions,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const exp = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.max(0, retry - 1));
  const jittered = exp / 2 + (random() * exp) / 2;
  return Math.round(retryAfterMs !== undefined ? Math.max(retryAfterMs, jittered) : jittered);
}

/**
 * Whether a retry after `delayMs` still fits before the overall deadline, leaving `minAttemptMs` for
 * the attempt itself. When it does not, the caller falls back to the next candidate instead of waiting.
 */
export function fitsDeadline(delayMs: number, remainingMs: number, minAttemptMs = 50): boolean {
  return delayMs + minAttemptMs <= remainingMs;
}
