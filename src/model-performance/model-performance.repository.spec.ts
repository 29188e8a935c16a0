import { useTestDatabase } from '../../test/helpers/test-database';
import { CallTotals, ModelPerformanceRepository } from './model-performance.repository';

const totals = (
  modelId: string,
  taskType: string,
  calls: number,
  successes: number,
  latency = 0,
  cost = 0,
): CallTotals => ({
  modelId,
  taskType,
  calls,
  successes,
  latencySumMs: latency,
  costSum: cost,
});

describe('ModelPerformanceRepository', () => {
  let repo: ModelPerformanceRepository;
  const database = useTestDatabase(['model_performance']);
  beforeAll(() => {
    repo = new ModelPerformanceRepository(database.db);
  });

  it('adds totals to the running sums and recomputes the averages from them', async () => {
    const [created] = await repo.addCalls([totals('m', 'chat', 4, 3, 400, 2)]);
    expect(created).toMatchObject({ totalCalls: 4, successes: 3, successRate: 75, avgLatencyMs: 100, avgCost: 0.5 });
    const [updated] = await repo.addCalls([totals('m', 'chat', 4, 1, 1200, 6)]);
    expect(updated).toMatchObject({
      totalCalls: 8,
      successes: 4,
      successRate: 50,
      latencySumMs: 1600,
      costSum: 8,
      avgLatencyMs: 200,
      avgCost: 1,
    });
    expect(await repo.addCalls([])).toEqual([]);
  });

  it('concurrent batches over the same keys in opposite orders neither deadlock nor lose counts', async () => {
    const keys = ['x', 'y', 'z'].flatMap((m) => ['chat', 'math'].map((t) => totals(m, t, 1, 1, 10, 0.1)));
    await Promise.all(Array.from({ length: 20 }, (_, i) => repo.addCalls(i % 2 === 0 ? keys : [...keys].reverse())));
    const rows = await repo.list();
    expect(rows).toHaveLength(6);
    expect(rows.every((r) => r.totalCalls === 20 && r.successes === 20)).toBe(true);
  });

  it('lists best first and filters by model and task type', async () => {
    await repo.addCalls([totals('good', 'chat', 10, 9), totals('bad', 'chat', 10, 1), totals('good', 'math', 2, 1)]);
    expect((await repo.list()).map((r) => `${r.modelId}/${r.taskType}`)).toEqual([
      'good/chat',
      'good/math',
      'bad/chat',
    ]);
    expect((await repo.list({ taskType: 'chat' })).map((r) => r.modelId)).toEqual(['good', 'bad']);
    expect((await repo.list({ modelId: 'good', taskType: 'math' })).map((r) => r.successRate)).toEqual([50]);
  });

  it('ranks by success rate, then cost, then latency, per task type or summed across them', async () => {
    await repo.addCalls([
      totals('dear', 'coding', 10, 9, 1000, 0.5),
      totals('cheap', 'coding', 10, 9, 5000, 0.1),
      totals('weak', 'coding', 10, 2, 10, 0),
      totals('weak', 'chat', 30, 30, 30, 0),
    ]);
    const coding = await repo.rank('coding');
    expect(coding.map((m) => [m.rank, m.modelId])).toEqual([
      [1, 'cheap'],
      [2, 'dear'],
      [3, 'weak'],
    ]);
    expect(coding[0]).toMatchObject({ totalCalls: 10, successes: 9, successRate: 90, avgLatencyMs: 500 });
    const all = await repo.rank();
    expect(all.find((m) => m.modelId === 'weak')).toMatchObject({ totalCalls: 40, successes: 32, successRate: 80 });
    expect(await repo.rank('nothing-here')).toEqual([]);
  });
});
