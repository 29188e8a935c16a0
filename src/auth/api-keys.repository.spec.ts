import { useTestDatabase } from '../../test/helpers/test-database';
import { ApiKeysRepository } from './api-keys.repository';

const key = (n: number) => ({
  name: `k${n}`,
  keyHash: String(n).padStart(64, 'a'),
  keyPrefix: `gw_prefix${n}`,
  scopes: ['route' as const],
});

describe('ApiKeysRepository', () => {
  let repo: ApiKeysRepository;
  const database = useTestDatabase(['api_keys']);
  beforeAll(() => {
    repo = new ApiKeysRepository(database.db);
  });

  it('inserts a key and finds it by id and by hash', async () => {
    const created = await repo.insert(key(1));
    expect(created).toEqual({
      id: 1,
      name: 'k1',
      keyHash: key(1).keyHash,
      keyPrefix: 'gw_prefix1',
      scopes: ['route'],
      createdAt: expect.any(Date),
      revokedAt: null,
    });
    expect(await repo.findById(1)).toEqual(created);
    expect(await repo.findByHash(key(1).keyHash)).toEqual(created);
    expect(await repo.findById(2)).toBeUndefined();
    expect(await repo.findByHash('f'.repeat(64))).toBeUndefined();
  });

  it('refuses a second key with the same hash', async () => {
    await repo.insert(key(1));
    await expect(repo.insert({ ...key(1), name: 'again' })).rejects.toThrow();
    expect(await repo.listAll()).toHaveLength(1);
  });

  it('revokes: the key leaves the active list and keeps its row', async () => {
    const a = await repo.insert(key(1));
    const b = await repo.insert(key(2));
    const at = new Date('2026-11-29T09:00:00.000Z');
    await repo.markRevoked(a.id, at);
    expect((await repo.listActive()).map((k) => k.id)).toEqual([b.id]);
    expect((await repo.listAll()).map((k) => [k.id, k.revokedAt?.toISOString() ?? null])).toEqual([
      [a.id, at.toISOString()],
      [b.id, null],
    ]);
  });

  it('moves a key’s last use forward only, and lists the keys that have one', async () => {
    const a = await repo.insert(key(1));
    const b = await repo.insert(key(2));
    const t1 = new Date('2026-11-29T09:00:00.000Z');
    const t2 = new Date('2026-11-29T10:00:00.000Z');
    await repo.markUsed(new Map([[a.id, t2]]));
    await repo.markUsed(new Map([[a.id, t1]]));
    expect(await repo.lastUses()).toEqual(new Map([[a.id, t2]]));
    expect((await repo.lastUses()).has(b.id)).toBe(false);
  });
});
