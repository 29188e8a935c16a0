import { Client } from 'pg';
import { DatabaseService } from '../database/database.service';
import { queryRows } from '../database/query';
import type { OptimizerTrigger } from './optimizer-run.entity';

/** Arbitrary but fixed: the transaction-scoped advisory lock that elects the replica running the optimizer. */
export const OPTIMIZER_LOCK_KEY = 727_100_005;

/** A held run: finish() writes the audit row (unless dry) and releases the lock. */
export interface RunSlot {
  id: number | null;
  finish(changes: readonly unknown[] | null): Promise<void>;
}

export interface AcquireOptions {
  trigger: OptimizerTrigger;
  dryRun: boolean;
  /** The cron slot; at most one row per tick across replicas. */
  tick: string | null;
}

/** Serialises async work in this process (PGlite is one process's database). */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => undefined);
    return run;
  }
}

const INSERT_RUN = `insert into optimizer_runs (started_at, trigger, dry_run, changes, tick) values (now(), $1, false, '[]'::jsonb, $2)
  on conflict (tick) do nothing returning id`;
const FINISH_RUN = `update optimizer_runs set finished_at = now(), changes = $1::jsonb where id = $2`;

/**
 * Elects one runner. On Postgres: a dedicated connection opens a transaction, takes
 * pg_try_advisory_xact_lock (another replica holding it means this one skips) and inserts the run row
 * (a tick already recorded means it skips too); the row is completed and the transaction committed at
 * finish, which releases the lock. On PGlite (one process) the caller's in-process mutex serialises runs
 * and the UNIQUE tick column keeps one row per tick.
 */
export async function acquireRun(
  db: DatabaseService,
  url: string | undefined,
  o: AcquireOptions,
): Promise<RunSlot | undefined> {
  if (db.kind === 'postgres' && url) return acquirePostgres(url, o);
  if (o.dryRun) return { id: null, finish: async () => undefined };
  const em = db.fork();
  const rows = await queryRows<{ id: number }>(em, INSERT_RUN.replace('$1', '?').replace('$2', '?'), [
    o.trigger,
    o.tick,
  ]);
  if (rows.length === 0) return undefined;
  const id = Number(rows[0].id);
  return {
    id,
    finish: async (changes) => {
      await queryRows(db.fork(), FINISH_RUN.replace('$1', '?').replace('$2', '?'), [JSON.stringify(changes ?? []), id]);
    },
  };
}

async function acquirePostgres(url: string, o: AcquireOptions): Promise<RunSlot | undefined> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  await client.connect();
  const release = async (sql: 'commit' | 'rollback') => {
    await client.query(sql).catch(() => undefined);
    await client.end().catch(() => undefined);
  };
  try {
    await client.query('begin');
    const lock = await client.query<{ ok: boolean }>('select pg_try_advisory_xact_lock($1) as ok', [
      OPTIMIZER_LOCK_KEY,
    ]);
    if (!lock.rows[0].ok) return void (await release('rollback'));
    if (o.dryRun) return { id: null, finish: () => release('rollback') };
    const inserted = await client.query<{ id: number }>(INSERT_RUN, [o.trigger, o.tick]);
    if (inserted.rows.length === 0) return void (await release('rollback'));
    const id = Number(inserted.rows[0].id);
    return {
      id,
      finish: async (changes) => {
        try {
          await client.query(FINISH_RUN, [JSON.stringify(changes ?? []), id]);
          await release('commit');
        } catch (err) {
          await release('rollback');
          throw err;
        }
      },
    };
  } catch (err) {
    await release('rollback');
    throw err;
  }
}
