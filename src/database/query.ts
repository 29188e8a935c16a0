import type { EntityManager } from '@mikro-orm/postgresql';
import type { Knex } from '@mikro-orm/knex';

/**
 * Runs SQL with `?` parameter markers and returns its rows. Values go to the database as bound
 * parameters (never inlined), on Postgres and on PGlite alike. MikroORM's execute() inlines values into
 * the SQL text, and the PGlite dialect then takes a ';' inside a value for a statement separator.
 */
export async function queryRows<T = Record<string, unknown>>(
  em: EntityManager,
  sql: string,
  params: readonly Knex.Value[] = [],
): Promise<T[]> {
  const result = await em.getKnex().raw<{ rows: T[] }>(sql, params as Knex.Value[]);
  return result.rows;
}

/** Where a repository runs a statement: the ORM's connection, or one open transaction (see tryLockedTransaction). */
export interface SqlSession {
  /** One statement with `?` markers (none inside literals); its rows. */
  rows<T = Record<string, unknown>>(sql: string, params?: readonly Knex.Value[]): Promise<T[]>;
}

/** A session on a fresh entity manager per statement. */
export function ormSession(fork: () => EntityManager): SqlSession {
  return { rows: (sql, params) => queryRows(fork(), sql, params) };
}
