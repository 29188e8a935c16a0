import type { EntityManager } from '@mikro-orm/postgresql';
import type { Knex } from '@mikro-orm/knex';

/**
 * Runs SQL with `?` parameter markers and returns its rows. Values go to the database as bound
 * parameters (never inlined), on Postgres and on PGlite alike.
 */
export async function queryRows<T = Record<string, unknown>>(
  em: EntityManager,
  sql: string,
  params: readonly Knex.Value[] = [],
): Promise<T[]> {
  const result = (await em.getKnex().raw(sql, params as Knex.Value[])) as { rows: T[] };
  return result.rows;
}
