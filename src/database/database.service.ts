import { MikroORM } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { EntityManager } from '@mikro-orm/postgresql';
import { Logger } from '@nestjs/common';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { DataDirLock } from './data-dir-lock';
import { DatabaseUnreachableError, redactUrl } from './database.errors';
import type { EntityType } from './module-entities';
import { DatabaseKind, IN_MEMORY, pgliteOptions, postgresOptions } from './orm-options';
import { openPglite, PgliteWorker } from './pglite-worker';
import type { PglitePort } from './pglite-worker';
import type { PgliteTuning } from './pglite-wasm';

/** Arbitrary but fixed: the advisory lock that serialises migrations across instances. */
const MIGRATION_LOCK_KEY = 727_100_001;
const CONNECT_TIMEOUT_MS = 5000;

export interface DatabaseTarget {
  url?: string;
  dataDir: string;
  /** The entities of every feature module: the composition root collects them (gatewayEntities()). */
  entities: readonly EntityType[];
  /** PGlite's shared_buffers and compiler (database.pgliteSharedBuffersMb, database.pgliteLowMemory). */
  pgliteTuning?: PgliteTuning;
  /** PGlite in a worker thread (database.pgliteThread) rather than on the event loop. */
  pgliteThread?: boolean;
}

export interface MigrationResult {
  applied: string[];
}

/** Owns the ORM, the embedded PGlite's worker thread (if any) and the data directory lock. */
export class DatabaseService {
  private readonly logger = new Logger('Database');
  private closed = false;

  private constructor(
    readonly kind: DatabaseKind,
    readonly orm: MikroORM,
    private readonly target: DatabaseTarget,
    readonly pglite?: PglitePort,
    readonly dataDirLock?: DataDirLock,
  ) {}

  /** Connects (failing fast with a clear message), without migrating. */
  static async connect(target: DatabaseTarget): Promise<DatabaseService> {
    if (target.url) {
      await assertPostgresReachable(target.url);
      const orm = await MikroORM.init(postgresOptions(target.url, target.entities));
      return new DatabaseService('postgres', orm, target);
    }
    const lock = target.dataDir === IN_MEMORY ? undefined : new DataDirLock(target.dataDir);
    lock?.acquire();
    let pglite: PglitePort | undefined;
    try {
      const dir = target.dataDir === IN_MEMORY ? null : join(resolve(target.dataDir), 'pglite');
      pglite = target.pgliteThread
        ? await PgliteWorker.start(dir, target.pgliteTuning)
        : await openPglite(dir, target.pgliteTuning);
      const orm = await MikroORM.init(pgliteOptions(pglite.asPGlite(), target.entities));
      return new DatabaseService('pglite', orm, target, pglite, lock);
    } catch (err) {
      await pglite?.close();
      lock?.release();
      throw err;
    }
  }

  /** PGlite on this thread: each statement holds the event loop while it runs (keep them small). */
  get statementsHoldEventLoop(): boolean {
    return this.kind === 'pglite' && !(this.pglite instanceof PgliteWorker);
  }

  get em(): EntityManager {
    return this.orm.em as EntityManager;
  }

  /** A fresh entity manager for one unit of work. */
  fork(): EntityManager {
    return this.em.fork();
  }

  /** Applies pending migrations; on Postgres under an advisory lock so concurrent starts do not race. */
  async migrate(onProgress?: MigrationProgress): Promise<MigrationResult> {
    const migrator = this.orm.getMigrator<Migrator>();
    if (this.kind === 'pglite') return { applied: await applyPending(migrator, onProgress) };
    const client = new Client({ connectionString: this.target.url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    await client.connect();
    try {
      await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      return { applied: await applyPending(migrator, onProgress) };
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
      await client.end().catch(() => undefined);
    }
  }

  async pendingMigrations(): Promise<string[]> {
    return (await this.orm.getMigrator<Migrator>().getPendingMigrations()).map((m) => m.name);
  }

  /** True when a trivial query answers within the timeout. */
  async ping(timeoutMs = 2000): Promise<boolean> {
    if (this.closed) return false;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const query = this.em
      .getConnection()
      .execute('select 1 as ok')
      .then(() => true)
      .catch(() => false);
    try {
      return await Promise.race([query, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.orm.close(true);
      await this.pglite?.close();
    } catch (err) {
      this.logger.error(`closing the database failed: ${(err as Error).message}`);
    } finally {
      this.dataDirLock?.release();
    }
  }
}

async function assertPostgresReachable(url: string): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // pg emits 'error' on the client for late socket errors; without a listener that would crash the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new DatabaseUnreachableError(redactUrl(url), e.code ? `${e.code} ${e.message}` : e.message);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Told before each migration runs: how many are done, of how many, and the next one's name. */
export type MigrationProgress = (done: number, total: number, next: string) => void;

/** Every pending migration, in one run; one at a time when someone follows the progress. */
async function applyPending(migrator: Migrator, onProgress?: MigrationProgress): Promise<string[]> {
  if (!onProgress) return (await migrator.up()).map((m) => m.name);
  const pending = (await migrator.getPendingMigrations()).map((m) => m.name);
  const applied: string[] = [];
  for (const [i, name] of pending.entries()) {
    onProgress(i, pending.length, name);
    applied.push(...(await migrator.up({ migrations: [name] })).map((m) => m.name));
  }
  return applied;
}
