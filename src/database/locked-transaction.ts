import type { Knex } from '@mikro-orm/knex';
import { Client } from 'pg';
import type { SqlSession } from './query';

const CONNECT_TIMEOUT_MS = 5000;

/** An open transaction on its own connection that holds a transaction-scoped advisory lock until it ends. */
export interface LockedTransaction extends SqlSession {
  /** Commits (which releases the lock) and closes the connection; never throws. */
  commit(): Promise<void>;
  /** Rolls back (which releases the lock) and closes the connection; never throws. */
  rollback(): Promise<void>;
}

/** `?` markers as Postgres' `$1, $2, ...` (the SQL is ours: no `?` inside a literal). */
function positional(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/**
 * Opens a transaction on a dedicated Postgres connection and takes pg_try_advisory_xact_lock(key) in it;
 * undefined (and nothing left open) when another session holds the lock. Postgres only: on PGlite (one
 * process) callers serialise in memory instead.
 */
export async function tryLockedTransaction(url: string, key: number): Promise<LockedTransaction | undefined> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // pg emits 'error' on the client for late socket errors; without a listener that would crash the process.
  client.on('error', () => undefined);
  await client.connect();
  const end = async (sql: 'commit' | 'rollback') => {
    await client.query(sql).catch(() => undefined);
    await client.end().catch(() => undefined);
  };
  try {
    await client.query('begin');
    const lock = await client.query<{ ok: boolean }>('select pg_try_advisory_xact_lock($1) as ok', [key]);
    if (!lock.rows[0].ok) return void (await end('rollback'));
  } catch (err) {
    await end('rollback');
    throw err;
  }
  return {
    rows: async <T>(sql: string, params: readonly Knex.Value[] = []) =>
      (await client.query(positional(sql), params as unknown[])).rows as T[],
    commit: () => end('commit'),
    rollback: () => end('rollback'),
  };
}
