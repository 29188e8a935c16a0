import { GatewayConfig } from '../config/config.schema';
import { DatabaseService } from '../database/database.service';
import { DomainError, InvalidInputError, NotFoundError } from '../errors';
import { ModelCatalogue } from '../providers/model-catalogue';
import { rejectionOf } from '../../test/helpers/assertions';
import { configWithModels } from '../../test/helpers/catalogue';
import { createTestDatabase, ON_POSTGRES, useTestDatabase } from '../../test/helpers/test-database';
import { getRoutingHeuristicsInput, updateRoutingHeuristicInput } from './heuristics.schemas';
import { HeuristicsRepository } from './heuristics.repository';
import { HeuristicsService } from './heuristics.service';

const config = (mutate?: (c: GatewayConfig) => void): GatewayConfig => configWithModels(mutate);

function heuristicsOn(db: DatabaseService, cfg: GatewayConfig): HeuristicsService {
  return new HeuristicsService(new HeuristicsRepository(db), db, cfg, new ModelCatalogue(cfg));
}

const refusal = (promise: Promise<unknown>) => rejectionOf(promise, DomainError);

describe('HeuristicsService', () => {
  let db: DatabaseService;
  let service: HeuristicsService;
  const database = useTestDatabase(['routing_rules']);
  beforeEach(() => {
    db = database.db;
    service = heuristicsOn(db, config());
  });

  describe('upsertRule', () => {
    it('creates a rule, then updates it by pattern, keeping what was not given', async () => {
      const first = await service.upsertRule({
        pattern: 'def \\w+\\(',
        preferredLayer: 'deep',
        priority: 5,
        reasoning: 'code',
        successRate: 80,
      });
      expect(first.created).toBe(true);
      expect(first.rule).toMatchObject({
        pattern: 'def \\w+\\(',
        preferredLayer: 'deep',
        priority: 5,
        active: true,
        pinned: false,
        source: 'manual',
        preferredModel: null,
      });
      expect(first.rule.metadata).toEqual({ reasoning: 'code', successRate: 80 });

      const second = await service.upsertRule({
        pattern: 'def \\w+\\(',
        preferredLayer: 'balanced',
        usageCount: 12,
        preferredModel: 'sim-balanced',
      });
      expect(second.created).toBe(false);
      expect(second.rule.id).toBe(first.rule.id);
      expect(second.rule).toMatchObject({ preferredLayer: 'balanced', priority: 5, preferredModel: 'sim-balanced' });
      expect(second.rule.metadata).toEqual({ reasoning: 'code', successRate: 80, usageCount: 12 });
      expect(Date.parse(second.rule.updatedAt)).toBeGreaterThanOrEqual(Date.parse(first.rule.updatedAt));

      const cleared = await service.upsertRule({
        pattern: 'def \\w+\\(',
        preferredLayer: 'balanced',
        preferredModel: null,
        active: false,
      });
      expect(cleared.rule).toMatchObject({ preferredModel: null, active: false });
      expect((await service.listRules({ activeOnly: false })).total).toBe(1);
    });

    it('refuses a preferredModel the catalogue does not know, naming the field and the known models', async () => {
      const err = await rejectionOf(
        service.upsertRule({ pattern: 'sql', preferredLayer: 'deep', preferredModel: 'gpt-imaginary' }),
        InvalidInputError,
      );
      expect(err.issues).toEqual([
        {
          path: 'preferredModel',
          message: 'unknown model "gpt-imaginary": known models are sim-fast, sim-balanced, sim-deep',
        },
      ]);
      expect((await service.listRules({ activeOnly: false })).total).toBe(0);
      const { rule } = await service.upsertRule({ pattern: 'sql', preferredLayer: 'deep', preferredModel: 'sim-deep' });
      const patchErr = await rejectionOf(service.updateRule(rule.id, { preferredModel: 'nope' }), InvalidInputError);
      expect(patchErr.issues[0].path).toBe('preferredModel');
      expect((await service.getRule(rule.id))?.preferredModel).toBe('sim-deep');
    });

    it('stores patterns containing ; and quotes verbatim', async () => {
      const { rule } = await service.upsertRule({
        pattern: "drop table;.*it's",
        preferredLayer: 'deep',
        reasoning: 'a;b',
      });
      expect(rule).toMatchObject({ pattern: "drop table;.*it's", metadata: { reasoning: 'a;b' } });
      expect((await service.updateRule(rule.id, { metadata: { note: 'x;y' } })).metadata).toEqual({
        reasoning: 'a;b',
        note: 'x;y',
      });
      expect((await service.getMatcher()).match("DROP TABLE; and it's gone")?.id).toBe(rule.id);
    });

    it.each([
      ['(a)\\1', 'invalid escape sequence'],
      ['(?=a)', 'invalid perl operator'],
      ['[', 'missing ]'],
    ])('refuses %s with RE2 reason and writes nothing', async (pattern, reason) => {
      const err = await refusal(service.upsertRule({ pattern, preferredLayer: 'fast' }));
      expect(err.kind).toBe('invalid_input');
      expect(err.issues[0].path).toBe('pattern');
      expect(err.message).toContain(reason);
      expect((await service.listRules({ activeOnly: false })).total).toBe(0);
    });

    it('caps the pattern length by security.maxPatternLength', async () => {
      const short = heuristicsOn(
        db,
        config((c) => (c.security.maxPatternLength = 10)),
      );
      const err = await refusal(short.upsertRule({ pattern: 'a'.repeat(11), preferredLayer: 'fast' }));
      expect(err.issues[0]).toEqual({ path: 'pattern', message: expect.stringContaining('maxPatternLength') });
      await expect(short.upsertRule({ pattern: 'a'.repeat(10), preferredLayer: 'fast' })).resolves.toMatchObject({
        created: true,
      });
    });

    it('tool input schema rejects bad layers, out-of-range numbers and unknown keys', () => {
      expect(updateRoutingHeuristicInput.safeParse({ pattern: 'x', preferredLayer: 'huge' }).success).toBe(false);
      expect(
        updateRoutingHeuristicInput.safeParse({ pattern: 'x', preferredLayer: 'fast', successRate: 101 }).success,
      ).toBe(false);
      expect(
        updateRoutingHeuristicInput.safeParse({ pattern: 'x', preferredLayer: 'fast', usageCount: 1.5 }).success,
      ).toBe(false);
      expect(
        updateRoutingHeuristicInput.safeParse({ pattern: 'x', preferredLayer: 'fast', preferedLayer: 'deep' }).success,
      ).toBe(false);
      expect(updateRoutingHeuristicInput.safeParse({ pattern: '', preferredLayer: 'fast' }).success).toBe(false);
    });
  });

  describe('listRules', () => {
    it('orders by priority desc then newest, filters active, paginates', async () => {
      await service.upsertRule({ pattern: 'low', preferredLayer: 'fast', priority: 1 });
      await service.upsertRule({ pattern: 'high-old', preferredLayer: 'deep', priority: 9 });
      await service.upsertRule({ pattern: 'high-new', preferredLayer: 'deep', priority: 9 });
      await service.upsertRule({ pattern: 'off', preferredLayer: 'fast', priority: 50, active: false });

      const active = await service.listRules({ activeOnly: true });
      expect(active.items.map((r) => r.pattern)).toEqual(['high-new', 'high-old', 'low']);
      expect(active.total).toBe(3);
      const all = await service.listRules({ activeOnly: false, limit: 2, offset: 1 });
      expect(all.items.map((r) => r.pattern)).toEqual(['high-new', 'high-old']);
      expect(all.total).toBe(4);
    });

    it('get input applies defaults and bounds (query strings are coerced by the REST door)', () => {
      expect(getRoutingHeuristicsInput.parse({})).toEqual({ activeOnly: true, limit: 100, offset: 0 });
      expect(getRoutingHeuristicsInput.parse({ activeOnly: false, limit: 5, offset: 10 })).toEqual({
        activeOnly: false,
        limit: 5,
        offset: 10,
      });
      expect(getRoutingHeuristicsInput.safeParse({ limit: 501 }).success).toBe(false);
      expect(getRoutingHeuristicsInput.safeParse({ offset: -1 }).success).toBe(false);
    });
  });

  describe('updateRule', () => {
    it('patches fields atomically and merges metadata', async () => {
      const { rule } = await service.upsertRule({ pattern: 'sql', preferredLayer: 'balanced', successRate: 50 });
      const updated = await service.updateRule(rule.id, { priority: 7, active: false, metadata: { usageCount: 3 } });
      expect(updated).toMatchObject({ priority: 7, active: false, preferredLayer: 'balanced' });
      expect(updated.metadata).toEqual({ successRate: 50, usageCount: 3 });
      expect(await service.getRule(rule.id)).toEqual(updated);
    });

    it('throws not_found for an unknown id', async () => {
      const err = await rejectionOf(service.updateRule(999, { priority: 1 }), NotFoundError);
      expect(err.kind).toBe('not_found');
    });
  });

  describe('getMatcher', () => {
    it('returns the highest-priority matching rule, case-insensitively, ignoring inactive rules', async () => {
      await service.upsertRule({ pattern: 'python', preferredLayer: 'balanced', priority: 1 });
      await service.upsertRule({
        pattern: 'python.*async',
        preferredLayer: 'deep',
        priority: 10,
        preferredModel: 'sim-deep',
      });
      await service.upsertRule({ pattern: 'PYTHON', preferredLayer: 'fast', priority: 100, active: false });
      const matcher = await service.getMatcher();
      expect(matcher.match('Write PYTHON code with async IO')).toMatchObject({
        pattern: 'python.*async',
        preferredLayer: 'deep',
        preferredModel: 'sim-deep',
        priority: 10,
      });
      expect(matcher.match('a python one-liner')).toMatchObject({ pattern: 'python', preferredLayer: 'balanced' });
      expect(matcher.match('hello')).toBeUndefined();
      expect(await service.getMatcher()).toBe(matcher);
    });

    it('breaks priority ties by id (oldest rule first)', async () => {
      const a = await service.upsertRule({ pattern: 'tie', preferredLayer: 'fast', priority: 3 });
      await service.upsertRule({ pattern: 't.e', preferredLayer: 'deep', priority: 3 });
      expect((await service.getMatcher()).match('tie')?.id).toBe(a.rule.id);
    });

    it('is rebuilt after upserts and updates', async () => {
      const { rule } = await service.upsertRule({ pattern: 'translate', preferredLayer: 'fast' });
      const before = await service.getMatcher();
      expect(before.match('translate this')?.preferredLayer).toBe('fast');

      await service.upsertRule({ pattern: 'translate', preferredLayer: 'balanced' });
      const afterUpsert = await service.getMatcher();
      expect(afterUpsert).not.toBe(before);
      expect(afterUpsert.match('translate this')?.preferredLayer).toBe('balanced');

      await service.updateRule(rule.id, { active: false });
      expect((await service.getMatcher()).match('translate this')).toBeUndefined();
    });

    it('shares one rebuild between concurrent callers', async () => {
      await service.upsertRule({ pattern: 'x', preferredLayer: 'fast' });
      const [a, b, c] = await Promise.all([service.getMatcher(), service.getMatcher(), service.getMatcher()]);
      expect(a).toBe(b);
      expect(b).toBe(c);
    });
  });
});

const onPostgres = ON_POSTGRES ? describe : describe.skip;

onPostgres('HeuristicsService across replicas (LISTEN/NOTIFY)', () => {
  it('invalidates the other replica when one writes', async () => {
    const tdb = await createTestDatabase();
    const dbA = await DatabaseService.connect(tdb.target);
    const dbB = await DatabaseService.connect(tdb.target);
    await dbA.migrate();
    const cfg = config((c) => (c.database.url = tdb.target.url));
    const a = heuristicsOn(dbA, cfg);
    const b = heuristicsOn(dbB, cfg);
    try {
      await a.onModuleInit();
      await b.onModuleInit();
      await b.upsertRule({ pattern: 'report', preferredLayer: 'fast' });
      expect((await b.getMatcher()).match('a report')?.preferredLayer).toBe('fast');

      const seen = b.matcherVersion;
      await a.upsertRule({ pattern: 'report', preferredLayer: 'deep' });
      const deadline = Date.now() + 5000;
      while (b.matcherVersion === seen && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(b.matcherVersion).toBeGreaterThan(seen);
      expect((await b.getMatcher()).match('a report')?.preferredLayer).toBe('deep');
    } finally {
      await a.onModuleDestroy();
      await b.onModuleDestroy();
      await dbA.close();
      await dbB.close();
      await tdb.drop();
    }
  });
});
