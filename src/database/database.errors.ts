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
