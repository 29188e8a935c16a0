import { DatabaseService } from '../database/database.service';
import { useTestDatabase } from '../../test/helpers/test-database';
import { PerformanceMetricsRepository } from './performance-metrics.repository';

describe('PerformanceMetricsRepository', () => {
  let db: DatabaseService;
  let repo: PerformanceMetricsRepository;
  const database = useTestDatabase(['performance_metrics']);
  beforeAll(() => {
    db = database.db;
    repo = new PerformanceMetricsRepository(db);
  });

  async function stored(): Promise<Array<{ metric_name: string; metric_value: number; context: unknown }>> {
    const res = await db.fork().getKnex().raw<{
      rows: Array<{ metric_name: string; metric_value: number; context: unknown }>;
    }>('select metric_name, metric_value, context from performance_metrics order by id');
    return res.rows;
  }

  it('inserts one row with the time given and returns it', async () => {
    const at = new Date('2026-11-29T12:00:00.000Z');
    const m = await repo.insert({
      name: "it's;odd",
      value: -0.5,
      unit: 'ms',
      context: { k: [1, 'a;b'] },
      recordedAt: at,
    });
    expect(m).toEqual({
      id: 1,
      name: "it's;odd",
      value: -0.5,
      unit: 'ms',
      context: { k: [1, 'a;b'] },
      recordedAt: at.toISOString(),
    });
    expect(await stored()).toEqual([{ metric_name: "it's;odd", metric_value: -0.5, context: { k: [1, 'a;b'] } }]);
  });

  it('inserts a batch across chunk boundaries, in order, with an empty context by default', async () => {
    const rows = Array.from({ length: 2001 }, (_, i) => ({ name: `m${i}`, value: i, unit: 'count' }));
    expect(await repo.insertMany(rows)).toBe(2001);
    const all = await stored();
    expect(all).toHaveLength(2001);
    expect(all[2000]).toEqual({ metric_name: 'm2000', metric_value: 2000, context: {} });
    expect(await repo.insertMany([])).toBe(0);
  });
});
