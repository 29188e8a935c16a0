import {
  databaseInputErrorReason,
  DatabaseUnavailableError,
  databaseUnavailableReason,
} from '../database/database.errors';
import { DomainError, InternalError, InvalidInputError, UnavailableError } from './domain-errors';

/** How long a client should wait before retrying while the database is down. */
export const DATABASE_RETRY_AFTER_MS = 5000;

/** What a client is told about an error the gateway did not foresee (the cause is logged, never sent). */
export const INTERNAL_MESSAGE = 'An internal error occurred; it has been logged.';

/** SQLSTATEs of a value Postgres refuses, described without echoing anything the database said. */
const REFUSED_VALUE: Record<string, string> = {
  '22021': 'a text value holds a character the database cannot store (such as U+0000)',
  '22P05': 'a JSON value holds a character the database cannot store (such as \\u0000)',
  '22003': 'a number is out of the range the database can store',
  '22001': 'a text value is longer than the database column allows',
  '22P02': 'a value is not in the format the database expects',
  '22007': 'a date or time is not valid',
  '22008': 'a date or time is out of range',
  '22023': 'a value is not valid here',
  '54000': 'a value is too large to be indexed',
};

/**
 * Every error a door can meet, as a domain error: the one place that maps database failures. An outage
 * is an UnavailableError (503 + Retry-After); a value Postgres refuses (SQLSTATE class 22, 54000) is an
 * InvalidInputError that names the kind of value and never carries SQL; anything else is an
 * InternalError whose cause is kept for the log only.
 */
export function toDomainError(err: unknown): DomainError {
  if (err instanceof DomainError) return err;
  const down = err instanceof DatabaseUnavailableError ? err.message : databaseUnavailableReason(err);
  if (down !== undefined) {
    const message =
      err instanceof DatabaseUnavailableError ? down : new DatabaseUnavailableError(withoutSql(down)).message;
    return new UnavailableError(`${message}; retry when it is back`, {
      code: 'database_unavailable',
      retryAfterMs: DATABASE_RETRY_AFTER_MS,
      cause: err,
    });
  }
  if (databaseInputErrorReason(err) !== undefined) {
    const sqlState = String((err as { code: unknown }).code);
    const what = REFUSED_VALUE[sqlState] ?? 'a value was refused';
    return new InvalidInputError(`Invalid input: the database refused a value: ${what} (SQLSTATE ${sqlState})`, {
      code: 'value_refused',
      cause: err,
    });
  }
  return new InternalError(INTERNAL_MESSAGE, { code: 'internal_error', cause: err });
}

const SQL_VERBS =
  'select|insert|update|delete|with|begin|commit|rollback|set|create|alter|drop|truncate|listen|unlisten|notify|lock|savepoint|release';
/** A statement somewhere in a prefix ("ECONNREFUSED insert into ..."), or a message that is one. */
const SQL_WORD = new RegExp(`(^|\\s)(${SQL_VERBS})\\s`, 'i');
const SQL_HEAD = new RegExp(`^\\s*(${SQL_VERBS})\\s`, 'i');

/**
 * The query layer prefixes a failed statement to the driver's message ("<sql> - <reason>", sometimes
 * after an error code): keep the reason only, on one line, so that no SQL reaches a client.
 */
export function withoutSql(message: string): string {
  const cut = message.lastIndexOf(' - ');
  const reason = cut >= 0 && SQL_WORD.test(message.slice(0, cut)) ? message.slice(cut + 3) : message;
  return SQL_HEAD.test(reason) ? 'the query failed' : reason.replace(/\s+/g, ' ').trim();
}
