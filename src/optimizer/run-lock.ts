import { DatabaseService } from '../database/database.service';
import { tryLockedTransaction } from '../database/locked-transaction';
import type { OptimizerTrigger } from '../optimizer-runs/optimizer-run.entity';
import { OptimizerRunsService } from '../optimizer-runs/optimizer-runs.service';

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

/**
 * Elects one runner. On Postgres: a transaction on a dedicated connection takes the advisory lock
 * (another replica holding it means this one skips) and records the run (a tick already recorded means
 * it skips too); the row is completed and the transaction committed at finish, which releases the lock.
 * On PGlite (one process) the caller's in-process mutex serialises runs and the UNIQUE tick column keeps
 * one row per tick.
 */
export async function acquireRun(
  db: DatabaseService,
  runs: OptimizerRunsService,
  url: string | undefined,
  o: AcquireOptions,
): Promise<RunSlot | undefined> {
  if (db.kind === 'postgres' && url) return acquirePostgres(runs, url, o);
  if (o.dryRun) return { id: null, finish: () => Promise.resolve() };
  const id = await runs.start(o.trigger, o.tick);
  if (id === undefined) return undefined;
  return { id, finish: (changes) => runs.finish(id, changes ?? []) };
}

async function acquirePostgres(
  runs: OptimizerRunsService,
  url: string,
  o: AcquireOptions,
): Promise<RunSlot | undefined> {
  const tx = await tryLockedTransaction(url, OPTIMIZER_LOCK_KEY);
  if (!tx) return undefined;
  try {
    if (o.dryRun) return { id: null, finish: () => tx.rollback() };
    const id = await runs.start(o.trigger, o.tick, tx);
    if (id === undefined) return void (await tx.rollback());
    return {
      id,
      finish: async (changes) => {
        try {
          await runs.finish(id, changes ?? [], tx);
          await tx.commit();
        } catch (err) {
          await tx.rollback();
          throw err;
        }
      },
    };
  } catch (err) {
    await tx.rollback();
    throw err;
  }
}
