import { gatewayConfigSchema, GatewayConfig } from '../config/config.schema';
import { DatabaseService } from '../database/database.service';
import { DomainError, NotFoundError } from '../errors';
import { rejectionOf } from '../../test/helpers/assertions';
import { useTestDatabase } from '../../test/helpers/test-database';
import {
  generateRegressionTestInput,
  getRegressionTestsInput,
  getRegressionTestsOutput,
  regressionTestSchema,
} from './regression-tests.schemas';
import { RegressionTestsRepository } from './regression-tests.repository';
import { NewRegressionTest, RegressionTestsService } from './regression-tests.service';
import { RegressionTestsTools } from './regression-tests.tools';

function config(mutate?: (c: GatewayConfig) => void): GatewayConfig {
  const cfg = gatewayConfigSchema.parse({});
  mutate?.(cfg);
  return cfg;
}

function sample(overrides: Partial<NewRegressionTest> = {}): NewRegressionTest {
  return {
    testName: 'routes sql prompts to deep',
    category: 'routing',
    description: 'SQL questions were sent to the fast layer',
    testCode: "process.exit(1); require('child_process').execSync('rm -rf /')",
    expectedBehavior: 'layer is deep',
    discoveredFrom: 'bug',
    ...overrides,
  };
}

const caught = (promise: Promise<unknown>) => rejectionOf(promise, DomainError);

describe('RegressionTestsService', () => {
  let db: DatabaseService;
  let service: RegressionTestsService;
  const database = useTestDatabase(['regression_tests']);
  beforeAll(() => {
    db = database.db;
    service = new RegressionTestsService(new RegressionTestsRepository(db), config());
  });

  it('stores test code as text without running it', async () => {
    const test = await service.create(sample({ metadata: { ticket: 42 } }));
    expect(test).toMatchObject({
      id: 1,
      testName: 'routes sql prompts to deep',
      metadata: { ticket: 42 },
      replay: null,
      lastRunAt: null,
      lastResult: null,
    });
    expect(test.testCode).toContain('rm -rf');
    expect(regressionTestSchema.parse(test)).toEqual(test);
  });

  it('refuses a second test with the same name and changes nothing', async () => {
    await service.create(sample());
    const err = await caught(service.create(sample({ description: 'other', category: 'other' })));
    expect(err.kind).toBe('conflict');
    expect(err.issues[0].path).toBe('testName');
    const { items, total } = await service.list();
    expect(total).toBe(1);
    expect(items[0]).toMatchObject({ description: 'SQL questions were sent to the fast layer', category: 'routing' });
  });

  it('lets exactly one of many concurrent creators win', async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => service.create(sample({ description: `attempt ${i}` }))),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(rejected.every((o) => (o.reason as DomainError).kind === 'conflict')).toBe(true);
    expect((await service.list()).total).toBe(1);
  });

  it('createFromFailure inserts once and returns the existing test on repeats', async () => {
    const replay = { model: 'auto', messages: [{ role: 'user', content: '[redacted]' }] };
    const first = await service.createFromFailure({ ...sample({ testName: 'failure abc' }), replay });
    expect(first.created).toBe(true);
    expect(first.test).toMatchObject({ discoveredFrom: 'bug', replay });
    const again = await service.createFromFailure({
      ...sample({ testName: 'failure abc', description: 'changed' }),
      replay: {},
    });
    expect(again).toEqual({ created: false, test: first.test });
  });

  it('caps metadata and replay by security.maxJsonFieldBytes, writing nothing', async () => {
    const small = new RegressionTestsService(
      new RegressionTestsRepository(db),
      config((c) => (c.security.maxJsonFieldBytes = 100)),
    );
    const err = await caught(small.create(sample({ metadata: { blob: 'x'.repeat(200) } })));
    expect(err.kind).toBe('invalid_input');
    expect(err.issues[0]).toEqual({ path: 'metadata', message: expect.stringContaining('maxJsonFieldBytes') });
    const replayErr = await caught(small.createFromFailure({ ...sample(), replay: { blob: 'y'.repeat(200) } }));
    expect(replayErr.issues[0].path).toBe('replay');
    expect((await service.list()).total).toBe(0);
  });

  it('lists newest first, by category (case-insensitive), with pagination', async () => {
    await service.create(sample({ testName: 't1', category: 'routing' }));
    await service.create(sample({ testName: 't2', category: 'Cost' }));
    await service.create(sample({ testName: 't3', category: 'routing' }));
    expect((await service.list()).items.map((t) => t.testName)).toEqual(['t3', 't2', 't1']);
    expect((await service.list({ category: 'ROUTING' })).items.map((t) => t.testName)).toEqual(['t3', 't1']);
    const page = await service.list({ limit: 1, offset: 1 });
    expect(page).toMatchObject({ total: 3, items: [{ testName: 't2' }] });
  });

  it('markRun records the result and time; unknown ids are not_found', async () => {
    const test = await service.create(sample());
    const at = new Date('2026-11-29T10:00:00.000Z');
    const run = await service.markRun(test.id, 'fail', at);
    expect(run).toMatchObject({ lastResult: 'fail', lastRunAt: at.toISOString() });
    expect(await service.get(test.id)).toEqual(run);
    expect((await rejectionOf(service.markRun(999, 'pass'), NotFoundError)).kind).toBe('not_found');
  });

  it('tools validate through their schemas', async () => {
    const tools = new RegressionTestsTools(service);
    const input = generateRegressionTestInput.parse({ ...sample(), testName: '  padded  ' });
    expect((await tools.generateRegressionTest(input)).testName).toBe('padded');
    const listed = await tools.getRegressionTests(getRegressionTestsInput.parse({ category: 'routing', limit: 5 }));
    expect(getRegressionTestsOutput.parse(listed).total).toBe(1);
    expect(generateRegressionTestInput.safeParse({ ...sample(), discoveredFrom: 'magic' }).success).toBe(false);
    expect(generateRegressionTestInput.safeParse({ ...sample(), testCode: 'x'.repeat(100_001) }).success).toBe(false);
    expect(generateRegressionTestInput.safeParse({ ...sample(), metadata: [1, 2] }).success).toBe(false);
  });
});
