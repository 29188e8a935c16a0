import { PGlite } from '@electric-sql/pglite';
import { setFlagsFromString } from 'node:v8';
import { Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { join, resolve } from 'node:path';
import { MIGRATIONS } from './migrations';
import type { EntityType } from './module-entities';
import { patchPGliteDialect } from './pglite-dialect-fix';
import type * as PGliteOrm from 'mikro-orm-pglite' with { 'resolution-mode': 'import' };

// The package's types are ESM-only while its runtime ships a CommonJS build; require it with ESM types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { PGliteDriver, PGliteKnexDialect } = require('mikro-orm-pglite') as typeof PGliteOrm;
patchPGliteDialect(PGliteKnexDialect);

export type DatabaseKind = 'pglite' | 'postgres';

/** DATA_DIR value for an in-memory PGlite (tests). */
export const IN_MEMORY = ':memory:';

const common: Options = {
  discovery: { warnWhenNoEntities: false },
  extensions: [Migrator],
  migrations: {
    migrationsList: MIGRATIONS,
    tableName: 'mikro_orm_migrations',
    transactional: true,
    allOrNothing: true,
    snapshot: false,
    silent: true,
  },
  // Services fork their own entity manager; using the global one is a bug we want to hear about.
  allowGlobalContext: false,
  debug: false,
};

/** `entities`: the tables of every feature module (collectEntities over the app's module tree). */
export function postgresOptions(url: string, entities: readonly EntityType[]): Options {
  return {
    ...common,
    entities: [...entities],
    driver: PostgreSqlDriver,
    clientUrl: url,
    pool: { min: 0, max: 10, acquireTimeoutMillis: 10000, idleTimeoutMillis: 10000 },
    driverOptions: { connection: { connectionTimeoutMillis: 5000, keepAlive: true } },
  };
}

/** PGlite runs in this process; we create the instance so we control its directory and closing. */
export function pgliteOptions(instance: PGlite, entities: readonly EntityType[]): Options {
  return {
    ...common,
    entities: [...entities],
    driver: PGliteDriver,
    dbName: 'postgres',
    driverOptions: { connection: { pglite: () => instance } },
  };
}

/**
 * V8 compiles WebAssembly with its baseline compiler (Liftoff) first and recompiles hot functions with
 * its optimizing one (TurboFan). PGlite's start runs enough of Postgres to tier up much of it: ~100 MB of
 * optimized code and compiler memory that the gateway keeps. Liftoff only (database.pgliteLowMemory) keeps
 * that memory, but PGlite's statements then run slower on the event loop: under a sustained load the
 * request latency suffers (bench:overhead at 300 req/s: p50 1.5-2.4 ms with tier-up, 6-21 ms without).
 * It applies to WebAssembly compiled from now on, process-wide.
 */
export function wasmBaselineOnly(enabled: boolean): void {
  if (enabled) setFlagsFromString('--liftoff-only');
}

export async function openPglite(dataDir: string, lowMemory = false): Promise<PGlite> {
  wasmBaselineOnly(lowMemory);
  const db = dataDir === IN_MEMORY ? new PGlite() : new PGlite(join(resolve(dataDir), 'pglite'));
  await db.waitReady;
  return db;
}
