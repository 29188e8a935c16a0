import { useTestDatabase } from '../../test/helpers/test-database';
import { RegressionTestRecord, RegressionTestsRepository } from './regression-tests.repository';

const record = (testName: string, o: Partial<RegressionTestRecord> = {}): RegressionTestRecord => ({
  testName,
  category: 'routing',
  description: 'd',
  testCode: 'expect(1).toBe(1)',
  expectedBehavior: 'e',
  discoveredFrom: 'bug',
  metadata: {},
  replay: null,
  ...o,
});

describe('RegressionTestsRepository', () => {
  let repo: RegressionTestsRepository;
  const database = useTestDatabase(['regression_tests']);
  beforeAll(() => {
    repo = new RegressionTestsRepository(database.db);
  });

  it('inserts a name once: concurrent inserts of one name leave one row, the others get undefined', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => repo.insertIfNameFree(record('t', { description: `d${i}` }))),
    );
    expect(results.filter((r) => r !== undefined)).toHaveLength(1);
    expect(await repo.count()).toBe(1);
    expect((await repo.findByName('t'))?.description).toBe(results.find((r) => r)?.description);
  });

  it('stores metadata and replay as JSON and finds by id and name', async () => {
    const replay = { model: 'auto', messages: [{ role: 'user', content: '[redacted]' }] };
    const created = (await repo.insertIfNameFree(record('json', { metadata: { a: 'b;c' }, replay })))!;
    expect(created).toMatchObject({ metadata: { a: 'b;c' }, replay, lastRunAt: null, lastResult: null });
    expect(await repo.findById(created.id)).toEqual(created);
    expect(await repo.findByName('json')).toEqual(created);
    expect(await repo.findByName('missing')).toBeUndefined();
  });

  it('records a run on a known id only', async () => {
    const created = (await repo.insertIfNameFree(record('run')))!;
    const at = new Date('2026-11-29T08:00:00.000Z');
    expect(await repo.recordRun(created.id, 'pass', at)).toMatchObject({
      lastResult: 'pass',
      lastRunAt: at.toISOString(),
    });
    expect(await repo.recordRun(created.id + 100, 'fail', at)).toBeUndefined();
  });

  it('lists newest first with a case-insensitive category filter and pages', async () => {
    await repo.insertIfNameFree(record('a', { category: 'Cost' }));
    await repo.insertIfNameFree(record('b'));
    await repo.insertIfNameFree(record('c', { category: 'cost' }));
    expect((await repo.list({ limit: 10, offset: 0 })).items.map((t) => t.testName)).toEqual(['c', 'b', 'a']);
    expect(await repo.list({ category: 'COST', limit: 1, offset: 1 })).toMatchObject({
      total: 2,
      items: [{ testName: 'a' }],
    });
  });
});
