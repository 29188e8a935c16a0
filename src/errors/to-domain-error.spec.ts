import { DatabaseUnavailableError } from '../database/database.errors';
import { ConflictError, HTTP_STATUS } from './index';
import { DATABASE_RETRY_AFTER_MS, INTERNAL_MESSAGE, toDomainError, withoutSql } from './to-domain-error';

/** What the query layer throws: the driver's error, its message prefixed with the failed statement. */
function queryError(code: string, reason: string): Error & { code: string } {
  const sql = 'insert into bug_patterns (category, pattern)\n  values ($1, $2)\n  returning *';
  return Object.assign(new Error(`${sql} - ${reason}`), { code });
}

describe('toDomainError: the one mapping of what doors meet', () => {
  it('keeps a domain error as it is', () => {
    const err = new ConflictError('taken');
    expect(toDomainError(err)).toBe(err);
  });

  it('a refused value is a 400 that says what kind of value, with the SQLSTATE and never the SQL', () => {
    const err = toDomainError(queryError('22021', 'invalid byte sequence for encoding "UTF8": 0x00'));
    expect(err).toMatchObject({ kind: 'invalid_input', code: 'value_refused' });
    expect(HTTP_STATUS[err.kind]).toBe(400);
    expect(err.message).toBe(
      'Invalid input: the database refused a value: a text value holds a character the database cannot store (such as U+0000) (SQLSTATE 22021)',
    );
    for (const code of ['22003', '22P05', '54000', '22999']) {
      const mapped = toDomainError(queryError(code, 'whatever the server said'));
      expect(mapped.kind).toBe('invalid_input');
      expect(mapped.message).not.toMatch(/insert|bug_patterns|returning|whatever/);
      expect(mapped.message).toContain(`SQLSTATE ${code}`);
    }
  });

  it('an outage is a 503 with Retry-After and the reason without the statement', () => {
    const err = toDomainError(Object.assign(queryError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')));
    expect(err).toMatchObject({
      kind: 'unavailable',
      code: 'database_unavailable',
      retryAfterMs: DATABASE_RETRY_AFTER_MS,
    });
    expect(err.message).toMatch(/^The database is unavailable: /);
    expect(err.message).toMatch(/retry when it is back$/);
    expect(err.message).not.toMatch(/insert|returning/);
    const ours = toDomainError(new DatabaseUnavailableError('the pool is closed'));
    expect(ours.message).toBe('The database is unavailable: the pool is closed; retry when it is back');
  });

  it('anything else is internal: a fixed message, the original kept as the cause for the log', () => {
    const boom = new Error('secret internals');
    const err = toDomainError(boom);
    expect(err).toMatchObject({ kind: 'internal', message: INTERNAL_MESSAGE, cause: boom });
    expect(toDomainError('a string thrown').kind).toBe('internal');
  });

  it('withoutSql keeps the reason after a statement prefix and drops a bare statement', () => {
    expect(withoutSql('select 1 - Connection terminated unexpectedly')).toBe('Connection terminated unexpectedly');
    expect(withoutSql('update t set a = b - c where id = 1 - server closed the connection')).toBe(
      'server closed the connection',
    );
    expect(withoutSql('connect ECONNREFUSED 127.0.0.1:5432')).toBe('connect ECONNREFUSED 127.0.0.1:5432');
    expect(withoutSql('select * from secrets')).toBe('the query failed');
  });
});
