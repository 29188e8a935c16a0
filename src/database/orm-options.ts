import { Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { MIGRATIONS } from './migrations';
import type { EntityType } from './module-entities';
import { PGLITE_SOCKET_PORT } from './pglite-worker';

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
  driver: PostgreSqlDriver,
};

/** `entities`: the tables of every feature module (collectEntities over the app's module tree). */
export function postgresOptions(url: string, entities: readonly EntityType[]): Options {
  return {
    ...common,
    entities: [...entities],
    clientUrl: url,
    pool: { min: 0, max: 10, acquireTimeoutMillis: 10000, idleTimeoutMillis: 10000 },
    driverOptions: { connection: { connectionTimeoutMillis: 5000, keepAlive: true } },
  };
}

/**
 * The embedded PGlite, served by its worker thread on a unix socket in `socketDir` (see PgliteWorker).
 * One connection: PGlite is a single session, so two connections would share its transaction state;
 * the pool queues statements instead, as Postgres' own locks would.
 */
export function pgliteOptions(socketDir: string, entities: readonly EntityType[]): Options {
  return {
    ...common,
    entities: [...entities],
    host: socketDir,
    port: PGLITE_SOCKET_PORT,
    user: 'postgres',
    dbName: 'postgres',
    pool: { min: 0, max: 1, acquireTimeoutMillis: 10000 },
    driverOptions: { connection: { connectionTimeoutMillis: 5000 } },
  };
}
