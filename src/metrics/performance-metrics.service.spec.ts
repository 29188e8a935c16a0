import { gatewayConfigSchema, GatewayConfig } from '../config/config.schema';
import { DatabaseService } from '../database/database.service';
import { InvalidInputError } from '../errors';
import { rejectionOf } from '../../test/helpers/assertions';
import { useTestDatabase } from '../../test/helpers/test-database';
import { PerformanceMetricsRepository } from './performance-metrics.repository';
import { recordMetricInput } from './performance-metrics.schemas';
import { PerformanceMetricsService } from './performance-metrics.service';

function config(mutate?: (c: GatewayConfig) => void): GatewayConfig {
  const cfg = gatewayConfigSchema.parse({});
  mutate?.(cfg);
  return cfg;
}

describe('PerformanceMetricsService', () => {
  let db: DatabaseService;
  let service: PerformanceMetricsService;
  const database = useTestDatabase(['performance_metrics']);
  beforeAll(() => {
    db = database.db;
    service = new PerformanceMetricsService(new PerformanceMetricsRepository(db), config());
  });

  async function count(table: string): Promise<number> {
    const res = await db.fork().getKnex().raw<{ rows: { n: number }[] }>(`select count(*)::int as n from ${table}`);
    return res.rows[0].n;
  }

  it('records a metric with its context', async () => {
    const m = await service.recordMetric({
      name: 'router.decision_us',
      value: 12.5,
      unit: 'us',
      context: { rules: 1000, note: 'a;b' },
    });
    expect(m).toMatchObject({
      id: 1,
      name: 'router.decision_us',
      value: 12.5,
      unit: 'us',
      context: { rules: 1000, note: 'a;b' },
    });
    expect(Number.isNaN(Date.parse(m.recordedAt))).toBe(false);
  });

  it('refuses non-finite values and oversized context, writing nothing', async () => {
    expect(recordMetricInput.safeParse({ name: 'x', value: Infinity, unit: 'ms' }).success).toBe(false);
    expect(recordMetricInput.safeParse({ name: 'x', value: NaN, unit: 'ms' }).success).toBe(false);
    const notFinite = await rejectionOf(
      service.recordMetric({ name: 'x', value: Infinity, unit: 'ms' }),
      InvalidInputError,
    );
    expect(notFinite.issues[0].path).toBe('value');
    const small = new PerformanceMetricsService(
      new PerformanceMetricsRepository(db),
      config((c) => (c.security.maxJsonFieldBytes = 50)),
    );
    const err = await rejectionOf(
      small.recordMetric({ name: 'x', value: 1, unit: 'ms', context: { blob: 'x'.repeat(100) } }),
      InvalidInputError,
    );
    expect(err.issues[0]).toEqual({ path: 'context', message: expect.stringContaining('maxJsonFieldBytes') });
    await rejectionOf(
      service.recordMetrics([
        { name: 'ok', value: 1, unit: 'ms' },
        { name: 'bad', value: NaN, unit: 'ms' },
      ]),
      InvalidInputError,
    );
    expect(await count('performance_metrics')).toBe(0);
  });

  it('records a batch in one insert', async () => {
    const rows = Array.from({ length: 1500 }, (_, i) => ({ name: 'latency', value: i, unit: 'ms' }));
    expect(await service.recordMetrics(rows)).toBe(1500);
    expect(await count('performance_metrics')).toBe(1500);
  });
});
