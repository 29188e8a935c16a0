export interface BackoffOptions {
  /** Delay before the first retry (before jitter). */
  baseMs: number;
  /** Cap of the delay (before jitter). */
  maxMs: number;
  /**
   * 'equal' (default): half the delay fixed, half random, so that clients that failed together do
   * not retry together; 'none': exactly the delay (a single background reconnect loop).
   */
  jitter?: 'equal' | 'none';
}

/**
 * The one backoff of the gateway: the delay before retry number `retry` (1 = first retry), exponential
 * from baseMs and capped at maxMs. A Retry-After from the other side is a floor: never come back sooner.
 */
export function backoffDelay(
  retry: number,
  opts: BackoffOptions,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const exp = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.max(0, retry - 1));
  const delay = opts.jitter === 'none' ? exp : exp / 2 + (random() * exp) / 2;
  return Math.round(retryAfterMs !== undefined ? Math.max(retryAfterMs, delay) : delay);
}
