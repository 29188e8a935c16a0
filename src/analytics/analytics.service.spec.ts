import { BugPatternsService } from '../bug-patterns/bug-patterns.service';
import { gatewayConfigSchema, GatewayConfig } from '../config/config.schema';
import { DatabaseService } from '../database/database.service';
import { HeuristicsService } from '../heuristics/heuristics.service';
import { RegressionTestsService } from '../regression-tests/regression-tests.service';
import { DomainError } from '../errors';
import { rejectionOf } from '../../test/helpers/assertions';
import { useTestDatabase } from '../../test/helpers/test-database';
import {
  analyzeMetricsInput,
  analyzeMetricsOutput,
  modelPerformanceSchema,
  recordMetricInput,
  updateModelPerformanceInput,
} from './analytics.schemas';
import { AnalyticsService, ModelCall } from './analytics.service';
import { AnalyticsTools } from './analytics.tools';

function config(mutate?: (c: GatewayConfig) => void): GatewayConfig {
  const cfg = gatewayConfigSchema.parse({});
  mutate?.(cfg);
  return cfg;
}

const caught = (promise: Promise<unknown>) => rejectionOf(promise, DomainError);

const TABLES = [
  'performance_metrics',
  'model_performance',
  'request_log',
  'bug_patterns',
  'routing_rules',
  'regression_tests',
];

describe('AnalyticsService', () => {
  let db: DatabaseService;
  let service: AnalyticsService;
  const database = useTestDatabase(TABLES);
  beforeAll(() => {
    db = database.db;
    service = new AnalyticsService(db, config());
  });

  async function count(table: string): Promise<number> {
    const res = (await db.fork().getKnex().raw(`select count(*)::int as n from ${table}`)) as { rows: { n: number }[] };
    return res.rows[0].n;
  }

  describe('metrics', () => {
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
      expect((await caught(service.recordMetric({ name: 'x', value: Infinity, unit: 'ms' }))).issues[0].path).toBe(
        'value',
      );
      const small = new AnalyticsService(
        db,
        config((c) => (c.security.maxJsonFieldBytes = 50)),
      );
      const err = await caught(
        small.recordMetric({ name: 'x', value: 1, unit: 'ms', context: { blob: 'x'.repeat(100) } }),
      );
      expect(err.issues[0]).toEqual({ path: 'context', message: expect.stringContaining('maxJsonFieldBytes') });
      await caught(
        service.recordMetrics([
          { name: 'ok', value: 1, unit: 'ms' },
          { name: 'bad', value: NaN, unit: 'ms' },
        ]),
      );
      expect(await count('performance_metrics')).toBe(0);
    });

    it('records a batch in one insert', async () => {
      const rows = Array.from({ length: 1500 }, (_, i) => ({ name: 'latency', value: i, unit: 'ms' }));
      expect(await service.recordMetrics(rows)).toBe(1500);
      expect(await count('performance_metrics')).toBe(1500);
    });
  });

  describe('model performance', () => {
    it('creates then accumulates a model record exactly', async () => {
      const first = await service.recordModelCall({
        modelId: 'sim-fast',
        taskType: 'chat',
        success: true,
        latencyMs: 100,
        cost: 0.5,
      });
      expect(first).toMatchObject({ totalCalls: 1, successes: 1, successRate: 100, avgLatencyMs: 100, avgCost: 0.5 });
      const second = await service.recordModelCall({
        modelId: 'sim-fast',
        taskType: 'chat',
        success: false,
        latencyMs: 300,
        cost: 1.5,
      });
      expect(second).toMatchObject({
        totalCalls: 2,
        successes: 1,
        successRate: 50,
        avgLatencyMs: 200,
        avgCost: 1,
        latencySumMs: 400,
        costSum: 2,
      });
      expect(modelPerformanceSchema.parse(second)).toEqual(second);
    });

    it('loses nothing under 100 concurrent updates of one model and task', async () => {
      const tools = new AnalyticsTools(service);
      const calls = Array.from({ length: 100 }, (_, i) =>
        updateModelPerformanceInput.parse({
          modelId: 'sim-deep',
          taskType: 'coding',
          success: i % 3 === 0,
          latencyMs: i,
          cost: 0.25,
        }),
      );
      await Promise.all(calls.map((c) => tools.updateModelPerformance(c)));
      const [row] = await service.listModelPerformance({ modelId: 'sim-deep', taskType: 'coding' });
      expect(row).toMatchObject({
        totalCalls: 100,
        successes: 34,
        latencySumMs: 4950,
        costSum: 25,
        avgLatencyMs: 49.5,
        avgCost: 0.25,
      });
      expect(row.successRate).toBeCloseTo(34, 10);
    });

    it('aggregates a batch per key and stays exact alongside single updates', async () => {
      const batch: ModelCall[] = [
        { modelId: 'a', taskType: 'chat', success: true, latencyMs: 10, cost: 1 },
        { modelId: 'a', taskType: 'chat', success: false, latencyMs: 30, cost: 3 },
        { modelId: 'b', taskType: 'math', success: true, latencyMs: 5, cost: 0 },
      ];
      await Promise.all([
        service.recordModelCalls(batch),
        service.recordModelCall({ modelId: 'a', taskType: 'chat', success: true, latencyMs: 20, cost: 2 }),
      ]);
      const rows = await service.listModelPerformance();
      expect(rows.find((r) => r.modelId === 'a')).toMatchObject({
        totalCalls: 3,
        successes: 2,
        avgLatencyMs: 20,
        avgCost: 2,
      });
      expect(rows.find((r) => r.modelId === 'b')).toMatchObject({ totalCalls: 1, successes: 1, successRate: 100 });
      expect(await service.recordModelCalls([])).toEqual([]);
      expect(
        (
          await caught(
            service.recordModelCall({ modelId: 'a', taskType: 'chat', success: true, latencyMs: -1, cost: 0 }),
          )
        ).issues[0].path,
      ).toBe('latencyMs');
    });
  });

  describe('request log', () => {
    it('inserts a batch and skips request ids already logged', async () => {
      const row = (id: string) => ({
        id,
        ts: new Date(),
        taskType: 'chat',
        layer: 'fast',
        model: 'sim-fast',
        success: true,
        latencyMs: 12,
        cost: 0.001,
        tokensIn: 10,
        tokensOut: 20,
      });
      expect(
        await service.insertRequestLogs([
          row('r1'),
          row('r2'),
          { ...row('r;3'), success: false, errorClass: 'timeout', ruleId: 7, stream: true },
        ]),
      ).toBe(3);
      expect(await service.insertRequestLogs([row('r2'), row('r4')])).toBe(1);
      expect(await count('request_log')).toBe(4);
      expect(await service.insertRequestLogs([])).toBe(0);
    });
  });

  describe('analyze', () => {
    async function seedModels(): Promise<void> {
      const calls: ModelCall[] = [];
      const add = (modelId: string, taskType: string, n: number, ok: number, latencyMs: number, cost: number) => {
        for (let i = 0; i < n; i++) calls.push({ modelId, taskType, success: i < ok, latencyMs, cost });
      };
      add('deep', 'coding', 10, 9, 1000, 0.05);
      add('cheap', 'coding', 10, 9, 500, 0.01); // same rate as deep, cheaper: ranks above it
      add('fast', 'coding', 10, 9, 100, 0.01); // same rate and cost as cheap, faster: ranks above it
      add('flaky', 'coding', 10, 2, 50, 0.001);
      add('flaky', 'chat', 30, 30, 50, 0.001); // across task types flaky has 32/40 = 80%
      await service.recordModelCalls(calls);
    }

    it('ranks by success rate, then cost, then latency for one task type', async () => {
      await seedModels();
      const { models, report, taskType } = await service.analyze({ taskType: 'coding', includeReport: false });
      expect(taskType).toBe('coding');
      expect(report).toBeUndefined();
      expect(models.map((m) => m.modelId)).toEqual(['fast', 'cheap', 'deep', 'flaky']);
      expect(models[0]).toMatchObject({ rank: 1, totalCalls: 10, successes: 9, successRate: 90, avgLatencyMs: 100 });
      expect(models[0].avgCost).toBeCloseTo(0.01, 12);
    });

    it('sums calls and successes across task types when none is given', async () => {
      await seedModels();
      const { models } = await service.analyze({ includeReport: false });
      const flaky = models.find((m) => m.modelId === 'flaky')!;
      expect(flaky).toMatchObject({ totalCalls: 40, successes: 32, successRate: 80 });
      expect(models.map((m) => m.modelId)).toEqual(['fast', 'cheap', 'deep', 'flaky']);
    });

    it('reports counts, top models and the 10 newest bugs, structured and as text', async () => {
      await seedModels();
      const bugs = new BugPatternsService(db);
      for (let i = 0; i < 12; i++)
        await bugs.record({
          category: 'timeout',
          pattern: `timeout variant ${'x'.repeat(i + 1)}`,
          description: 'd',
          severity: 'high',
        });
      const heuristics = new HeuristicsService(db, config());
      await heuristics.upsertRule({ pattern: 'sql', preferredLayer: 'deep' });
      await heuristics.upsertRule({ pattern: 'hello', preferredLayer: 'fast', active: false });
      await new RegressionTestsService(db, config()).create({
        testName: 't',
        category: 'c',
        description: 'd',
        testCode: 'x',
        expectedBehavior: 'y',
        discoveredFrom: 'bug',
      });

      const tools = new AnalyticsTools(service);
      const result = analyzeMetricsOutput.parse(await tools.analyzeMetrics(analyzeMetricsInput.parse({})));
      const report = result.report!;
      expect(report.counts).toEqual({
        regressionTests: 1,
        bugPatterns: 12,
        routingHeuristics: { active: 1, total: 2 },
        modelsTracked: 4,
        modelCalls: 70,
      });
      expect(report.topModels.map((m) => m.modelId)).toEqual(['fast', 'cheap', 'deep', 'flaky']);
      expect(report.recentBugs).toHaveLength(10);
      expect(report.recentBugs[0]).toMatchObject({
        category: 'timeout',
        pattern: `timeout variant ${'x'.repeat(12)}`,
        severity: 'high',
        occurrences: 1,
      });
      for (const heading of [
        '# Performance Analysis Report',
        '## Top performing models',
        '## Recent bug patterns',
        '## Summary',
      ])
        expect(report.text).toContain(heading);
      expect(report.text).toContain('1. fast: 90.0% success over 10 call(s)');
      expect(report.text).toContain('Routing heuristics: 1 active of 2');
    });

    it('reports an empty database without failing', async () => {
      const { models, report } = await service.analyze({ includeReport: true });
      expect(models).toEqual([]);
      expect(report?.counts).toEqual({
        regressionTests: 0,
        bugPatterns: 0,
        routingHeuristics: { active: 0, total: 0 },
        modelsTracked: 0,
        modelCalls: 0,
      });
      expect(report?.text).toContain('No model performance recorded yet.');
    });

    it('analyze input applies defaults and refuses a non-boolean includeReport', () => {
      expect(analyzeMetricsInput.parse({ includeReport: false })).toEqual({ includeReport: false });
      expect(analyzeMetricsInput.safeParse({ includeReport: 'false' }).success).toBe(false);
      expect(analyzeMetricsInput.parse({ taskType: 'coding' })).toEqual({ taskType: 'coding', includeReport: true });
    });
  });
});
