import { gatewayConfigSchema, GatewayConfig } from '../config/config.schema';
import { DatabaseService } from '../database/database.service';
import { rejectionOf } from '../../test/helpers/assertions';
import { createTestDatabase, ON_POSTGRES, useTestDatabase } from '../../test/helpers/test-database';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService, hashKey } from './api-keys.service';
import { ApiKeyInputError, ApiKeyNotFoundError } from './scopes';

function config(url?: string): GatewayConfig {
  const cfg = gatewayConfigSchema.parse({});
  cfg.database.url = url;
  return cfg;
}

const failure = (promise: Promise<unknown>) => rejectionOf(promise, Error);

function keysOn(db: DatabaseService, cfg: GatewayConfig): ApiKeysService {
  return new ApiKeysService(new ApiKeysRepository(db), db, cfg);
}

describe('ApiKeysService', () => {
  let db: DatabaseService;
  let keys: ApiKeysService;
  const database = useTestDatabase(['api_keys']);
  beforeEach(async () => {
    db = database.db;
    keys = keysOn(db, config());
    await keys.onModuleInit();
  });
  afterEach(() => keys.onModuleDestroy());

  it('creates a gw_ key shown once and stores only its sha256 and prefix', async () => {
    const { key, info } = await keys.create({ name: 'ci', scopes: 'route,tools:read' });
    expect(key).toMatch(/^gw_[A-Za-z0-9_-]{43}$/);
    expect(info).toMatchObject({
      id: 1,
      name: 'ci',
      prefix: key.slice(0, 12),
      scopes: ['route', 'tools:read'],
      revokedAt: null,
    });
    const rows = await db.fork().getConnection().execute<Record<string, unknown>[]>('select * from api_keys');
    expect(rows).toHaveLength(1);
    expect(rows[0].key_hash).toBe(hashKey(key));
    expect(JSON.stringify(rows)).not.toContain(key);
  });

  it('lists keys without the key or its hash', async () => {
    const { key } = await keys.create({ name: 'a', scopes: ['admin'] });
    const list = await keys.list();
    expect(list).toEqual([
      { id: 1, name: 'a', prefix: key.slice(0, 12), scopes: ['admin'], createdAt: expect.any(String), revokedAt: null },
    ]);
    expect(JSON.stringify(list)).not.toContain(hashKey(key));
    expect(JSON.stringify(list)).not.toContain(key.slice(12));
  });

  it('verifies from the cache: a known key gives its id and scopes, anything else nothing', async () => {
    const { key, info } = await keys.create({ name: 'a', scopes: 'tools:read' });
    expect(keys.hasActiveKeys()).toBe(true);
    expect(keys.verify(key)).toEqual({ keyId: info.id, scopes: ['tools:read'] });
    expect(keys.verify(`${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`)).toBeUndefined();
    expect(keys.verify('gw_short')).toBeUndefined();
    expect(keys.verify('')).toBeUndefined();
  });

  it('loads existing keys at start: a second instance knows keys made by the first', async () => {
    const { key } = await keys.create({ name: 'a', scopes: 'route' });
    const other = keysOn(db, config());
    expect(other.hasActiveKeys()).toBe(false);
    await other.onModuleInit();
    expect(other.verify(key)).toBeDefined();
    await other.onModuleDestroy();
  });

  it('a revoked key stops working at once, by id, by prefix or by the key itself', async () => {
    const a = await keys.create({ name: 'a', scopes: 'route' });
    const b = await keys.create({ name: 'b', scopes: 'route' });
    const c = await keys.create({ name: 'c', scopes: 'route' });
    expect((await keys.revoke(String(a.info.id))).alreadyRevoked).toBe(false);
    expect(keys.verify(a.key)).toBeUndefined();
    await keys.revoke(b.info.prefix);
    expect(keys.verify(b.key)).toBeUndefined();
    await keys.revoke(c.key);
    expect(keys.verify(c.key)).toBeUndefined();
    expect(keys.hasActiveKeys()).toBe(false);
    expect((await keys.revoke(String(a.info.id))).alreadyRevoked).toBe(true);
    const listed = await keys.list();
    expect(listed.every((k) => k.revokedAt !== null)).toBe(true);
  });

  it('a reload that raced a revoke does not bring the revoked key back', async () => {
    const { key, info } = await keys.create({ name: 'a', scopes: 'route' });
    const reload = keys.reload();
    await keys.revoke(String(info.id));
    await reload;
    expect(keys.verify(key)).toBeUndefined();
  });

  it('refuses bad input with the reason', async () => {
    expect(await failure(keys.create({ name: ' ', scopes: 'route' }))).toBeInstanceOf(ApiKeyInputError);
    expect((await failure(keys.create({ name: 'x', scopes: 'route,root' }))).message).toMatch(/unknown scope "root"/);
    expect((await failure(keys.create({ name: 'x'.repeat(101), scopes: 'route' }))).message).toMatch(/limit is 100/);
    expect(await failure(keys.revoke('999'))).toBeInstanceOf(ApiKeyNotFoundError);
    expect(await failure(keys.revoke('gw_zzzzzzzzz'))).toBeInstanceOf(ApiKeyNotFoundError);
    expect((await failure(keys.revoke('gw_'))).message).toMatch(/too short/);
    expect(await keys.list()).toEqual([]);
  });
});

(ON_POSTGRES ? describe : describe.skip)('ApiKeysService across replicas (Postgres LISTEN/NOTIFY)', () => {
  it('a key revoked on one replica stops working on another within milliseconds, without polling', async () => {
    const tdb = await createTestDatabase();
    const [dbA, dbB] = [await DatabaseService.connect(tdb.target), await DatabaseService.connect(tdb.target)];
    await dbA.migrate();
    const a = keysOn(dbA, config(tdb.target.url));
    const b = keysOn(dbB, config(tdb.target.url));
    try {
      await a.onModuleInit();
      await b.onModuleInit();
      const { key, info } = await a.create({ name: 'shared', scopes: 'route' });
      await waitUntil(() => b.verify(key) !== undefined, 1000);
      const revokedAt = Date.now();
      await a.revoke(String(info.id));
      await waitUntil(() => b.verify(key) === undefined, 1000);
      expect(Date.now() - revokedAt).toBeLessThan(500);
    } finally {
      await a.onModuleDestroy();
      await b.onModuleDestroy();
      await dbA.close();
      await dbB.close();
      await tdb.drop();
    }
  });
});

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
