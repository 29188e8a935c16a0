/** The typed error taxonomy: the gateway's retry, fallback and breaker logic reads only `kind`. */
export type ProviderErrorKind =
  | 'rate_limited'
  | 'timeout'
  | 'auth'
  | 'bad_request'
  | 'not_found'
  | 'upstream'
  | 'malformed_response'
  | 'connection'
  | 'cancelled';

const RETRYABLE: ReadonlySet<ProviderErrorKind> = new Set([
  'rate_limited',
  'timeout',
  'upstream',
  'connection',
  'malformed_response',
]);

export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  readonly status?: number;
  /** Milliseconds the upstream asked us to wait (Retry-After), if any. */
  readonly retryAfterMs?: number;

  constructor(
    kind: ProviderErrorKind,
    message: string,
    opts: { status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = 'ProviderError';
    this.kind = kind;
    this.status = opts.status;
    this.retryAfterMs = opts.retryAfterMs;
  }

  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }
}

export function isProviderError(err: unknown): err is ProviderError {
  return (
    err instanceof ProviderError ||
    (typeof err === 'object' && err !== null && (err as { name?: string }).name === 'ProviderError' && 'kind' in err)
  );
}

/** Parses Retry-After (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Maps an upstream HTTP status to the taxonomy. */
export function errorFromStatus(status: number, message: string, retryAfter?: string | null): ProviderError {
  if (status === 429)
    return new ProviderError('rate_limited', message, { status, retryAfterMs: parseRetryAfter(retryAfter) });
  if (status === 401 || status === 403) return new ProviderError('auth', message, { status });
  if (status === 404) return new ProviderError('not_found', message, { status });
  if (status === 408) return new ProviderError('timeout', message, { status });
  if (status >= 400 && status < 500) return new ProviderError('bad_request', message, { status });
  return new ProviderError('upstream', message, { status, retryAfterMs: parseRetryAfter(retryAfter) });
}
