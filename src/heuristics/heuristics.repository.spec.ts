import { useTestDatabase } from '../../test/helpers/test-database';
import { HeuristicsRepository, RuleUpsert } from './heuristics.repository';

const rule = (pattern: string, o: Partial<RuleUpsert> = {}): RuleUpsert => ({
  pattern,
  preferredLayer: 'fast',
  metadata: {},
  source: 'manual',
  ...o,
});

describe('HeuristicsRepository', () => {
  let repo: HeuristicsRepository;
  const database = useTestDatabase(['routing_rules']);
  beforeAll(() => {
    repo = new HeuristicsRepository(database.db);
  });

  it('upserts by pattern: defaults on insert, only the given fields on update, source kept', async () => {
    const first = await repo.upsertByPattern(rule('p', { metadata: { reasoning: 'r' }, source: 'optimizer' }));
    expect(first.created).toBe(true);
    expect(first.rule).toMatchObject({
      priority: 0,
      active: true,
      pinned: false,
      preferredModel: null,
      source: 'optimizer',
    });
    const second = await repo.upsertByPattern(
      rule('p', { preferredLayer: 'deep', priority: 4, metadata: { usageCount: 2 }, source: 'manual' }),
    );
    expect(second).toMatchObject({
      created: false,
      rule: { id: first.rule.id, preferredLayer: 'deep', priority: 4, active: true, source: 'optimizer' },
    });
    expect(second.rule.metadata).toEqual({ reasoning: 'r', usageCount: 2 });
  });

  it('concurrent upserts of one pattern make one rule', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => repo.upsertByPattern(rule('same', { priority: i }))),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect((await repo.list()).total).toBe(1);
  });

  it('patches only the given columns, merges metadata, and says undefined for an unknown id', async () => {
    const { rule: r } = await repo.upsertByPattern(rule('q', { preferredModel: 'm', metadata: { a: 1 } }));
    const patched = await repo.update(r.id, { pinned: true, preferredModel: null, metadata: { b: 2 } });
    expect(patched).toMatchObject({
      pinned: true,
      preferredModel: null,
      preferredLayer: 'fast',
      metadata: { a: 1, b: 2 },
    });
    expect(await repo.findById(r.id)).toEqual(patched);
    expect(await repo.update(r.id + 1000, { priority: 1 })).toBeUndefined();
    expect(await repo.findById(r.id + 1000)).toBeUndefined();
  });

  it('lists with filters, gives the active rules in matching order, and counts by activity', async () => {
    const low = (await repo.upsertByPattern(rule('low', { priority: 1 }))).rule;
    const tieA = (await repo.upsertByPattern(rule('tie-a', { priority: 5 }))).rule;
    const tieB = (await repo.upsertByPattern(rule('tie-b', { priority: 5, preferredModel: 'x' }))).rule;
    await repo.upsertByPattern(rule('off', { priority: 9, active: false, pinned: true, source: 'optimizer' }));
    expect((await repo.listActiveForMatching()).map((r) => r.id)).toEqual([tieA.id, tieB.id, low.id]);
    expect((await repo.listActiveForMatching())[1]).toEqual({
      id: tieB.id,
      pattern: 'tie-b',
      preferredLayer: 'fast',
      preferredModel: 'x',
      priority: 5,
    });
    expect((await repo.list({ pinned: true })).items.map((r) => r.pattern)).toEqual(['off']);
    expect(
      (await repo.list({ source: 'manual', activeOnly: true, limit: 1, offset: 1 })).items.map((r) => r.pattern),
    ).toEqual(['tie-a']);
    expect(await repo.countByActivity()).toEqual({ active: 3, total: 4 });
  });
});
