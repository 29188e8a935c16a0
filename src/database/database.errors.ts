/** The configured PostgreSQL could not be reached at start. */
export class DatabaseUnreachableError extends Error {
  constructor(
    readonly target: string,
    reason: string,
  ) {
    super(`Cannot connect to PostgreSQL at ${target}: ${reason}`);
    this.name = 'DatabaseUnreachableError';
  }
}

/** The database is down right now (a write was refused, not lost). */
export class DatabaseUnavailableError extends Error {
  constructor(reason: string) {
    super(`The database is unavailable: ${reason}`);
    this.name = 'DatabaseUnavailableError';
  }
}

/** The URL without its password, safe to print. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

/** Socket-level error codes of a database connection that failed or could not be made. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/** SQLSTATEs of a server that is going away, starting up or unreachable (class 08, 57P01-57P03). */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006']);
const UNAVAILABLE_MESSAGES = [
  /Connection terminated/i,
  /connection refused/i,
  /Timeout acquiring a connection/i,
  /connect(ion)? timeout/i,
  /terminating connection due to administrator command/i,
  /the database system is (starting up|shutting down)/i,
  /Client has encountered a connection error/i,
  /Connection is closed/i,
];

/**
 * When `err` (or an error it wraps) says the database cannot be reached right now, a short reason;
 * else undefined. The one place that tells "database down" from a bug: pg socket errors, Postgres
 * shutdown SQLSTATEs, knex pool acquire timeouts, MikroORM ConnectionException wrappers.
 */
export function databaseUnavailableReason(err: unknown, depth = 0): string | undefined {
  if (!err || typeof err !== 'object' || depth > 4) return undefined;
  const e = err as {
    name?: unknown;
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    previous?: unknown;
    errors?: unknown;
  };
  const code = typeof e.code === 'string' ? e.code : undefined;
  const message = typeof e.message === 'string' ? e.message : '';
  if (e.name === 'KnexTimeoutError' || e.name === 'ConnectionException') return message || String(e.name);
  if (code && (CONNECTION_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code)))
    return message ? `${code} ${message}` : code;
  if (UNAVAILABLE_MESSAGES.some((re) => re.test(message))) return message;
  if (Array.isArray(e.errors))
    for (const inner of e.errors) {
      const reason = databaseUnavailableReason(inner, depth + 1);
      if (reason) return reason;
    }
  return databaseUnavailableReason(e.cause, depth + 1) ?? databaseUnavailableReason(e.previous, depth + 1);
}

/**
 * When `err` is Postgres refusing a value the caller sent (SQLSTATE class 22 "data exception", such as a NUL
 * character in text or a number out of range; 54000 a value too large to index), the reason; else undefined.
 */
export function databaseInputErrorReason(err: unknown): string | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as { code?: unknown; message?: unknown };
  if (typeof e.code !== 'string' || !(/^22[0-9A-Z]{3}$/.test(e.code) || e.code === '54000')) return undefined;
  return typeof e.message === 'string' ? e.message : e.code;
}
