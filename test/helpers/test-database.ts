import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { gatewayEntities } from '../../src/app.module';
import { DEFAULT_PGLITE_SHARED_BUFFERS_MB } from '../../src/config/config.schema';
import { DatabaseService, DatabaseTarget } from '../../src/database/database.service';
import { IN_MEMORY } from '../../src/database/orm-options';

export interface TestDatabase {
  /** What to put in config.database (a throwaway Postgres database, or in-memory PGlite), with the app's entities. */
  target: DatabaseTarget;
  /** Drops the throwaway database (Postgres); nothing to do for in-memory PGlite. */
  drop(): Promise<void>;
}

/** True when the suite runs against Postgres (DATABASE_URL set), else PGlite. */
export const ON_POSTGRES = Boolean(process.env.DATABASE_URL);

/** A fresh, empty database for one suite: a new Postgres database, or an in-memory PGlite. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const base = process.env.DATABASE_URL;
  const entities = gatewayEntities();
  const pgliteTuning = { sharedBuffersMb: DEFAULT_PGLITE_SHARED_BUFFERS_MB }; // as the gateway opens it
  if (!base) return { target: { dataDir: IN_MEMORY, entities, pgliteTuning }, drop: () => Promise.resolve() };
  const name = `gw_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await adminQuery(base, `create database "${name}"`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    target: { url: url.toString(), dataDir: IN_MEMORY, entities },
    drop: () => adminQuery(base, `drop database if exists "${name}" with (force)`),
  };
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A connected, migrated DatabaseService on a fresh database, for service-level specs. */
export async function openTestDatabase(): Promise<{ db: DatabaseService; close: () => Promise<void> }> {
  const tdb = await createTestDatabase();
  const db = await DatabaseService.connect(tdb.target);
  await db.migrate();
  return {
    db,
    close: async () => {
      await db.close();
      await tdb.drop();
    },
  };
}

/**
 * One database per spec file (opening PGlite costs seconds); the listed tables are emptied before each
 * test. Read `.db` inside hooks and tests, not at registration time.
 */
export function useTestDatabase(tables: readonly string[]): { readonly db: DatabaseService } {
  const ref = {} as { db: DatabaseService };
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const opened = await openTestDatabase();
    ref.db = opened.db;
    close = opened.close;
  });
  afterAll(() => close?.());
  beforeEach(() =>
    ref.db
      .fork()
      .getConnection()
      .execute(`truncate ${tables.join(', ')} restart identity`),
  );
  return ref;
}
