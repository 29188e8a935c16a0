import type { PGlite } from '@electric-sql/pglite';
import { Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
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

/** `instance`: the PGlite in its worker thread (PgliteWorker.asPGlite()); we start and close it ourselves. */
export function pgliteOptions(instance: PGlite, entities: readonly EntityType[]): Options {
  return {
    ...common,
    entities: [...entities],
    driver: PGliteDriver,
    dbName: 'postgres',
    driverOptions: { connection: { pglite: () => instance } },
  };
}
