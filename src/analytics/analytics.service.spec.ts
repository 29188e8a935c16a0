import { BugPatternsRepository } from '../bug-patterns/bug-patterns.repository';
import { BugPatternsService } from '../bug-patterns/bug-patterns.service';
import { gatewayConfigSchema, GatewayConfig } from '../config/config.schema';
import { DatabaseService } from '../database/database.service';
import { HeuristicsRepository } from '../heuristics/heuristics.repository';
import { HeuristicsService } from '../heuristics/heuristics.service';
import { ModelPerformanceRepository } from '../model-performance/model-performance.repository';
import { ModelCall, ModelPerformanceService } from '../model-performance/model-performance.service';
import { OptimizerRunsRepository } from '../optimizer-runs/optimizer-runs.repository';
import { OptimizerRunsService } from '../optimizer-runs/optimizer-runs.service';
import { RegressionTestsRepository } from '../regression-tests/regression-tests.repository';
import { RegressionTestsService } from '../regression-tests/regression-tests.service';
import { simCatalogue } from '../../test/helpers/catalogue';
import { useTestDatabase } from '../../test/helpers/test-database';
import { analyzeMetricsInput, analyzeMetricsOutput } from './analytics.schemas';
import { AnalyticsService } from './analytics.service';
import { AnalyticsTools } from './analytics.tools';

function config(mutate?: (c: GatewayConfig) => void): GatewayConfig {
  const cfg = gatewayConfigSchema.parse({});
  mutate?.(cfg);
  return cfg;
}

const TABLES = ['model_performance', 'bug_patterns', 'routing_rules', 'regression_tests', 'optimizer_runs'];

describe('AnalyticsService.analyze', () => {
  let db: DatabaseService;
  let service: AnalyticsService;
  let modelPerformance: ModelPerformanceService;
  let optimizerRuns: OptimizerRunsService;
  const database = useTestDatabase(TABLES);
  beforeAll(() => {
    db = database.db;
    modelPerformance = new ModelPerformanceService(new ModelPerformanceRepository(db), simCatalogue());
    optimizerRuns = new OptimizerRunsService(new OptimizerRunsRepository(db));
    service = new AnalyticsService(
      modelPerformance,
      new RegressionTestsService(new RegressionTestsRepository(db), config()),
      new BugPatternsService(new BugPatternsRepository(db)),
      new HeuristicsService(new HeuristicsRepository(db), db, config(), simCatalogue()),
      optimizerRuns,
    );
  });

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
    await modelPerformance.recordModelCalls(calls);
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
    const bugs = new BugPatternsService(new BugPatternsRepository(db));
    for (let i = 0; i < 12; i++)
      await bugs.record({
        category: 'timeout',
        pattern: `timeout variant ${'x'.repeat(i + 1)}`,
        description: 'd',
        severity: 'high',
      });
    const heuristics = new HeuristicsService(new HeuristicsRepository(db), db, config(), simCatalogue());
    await heuristics.upsertRule({ pattern: 'sql', preferredLayer: 'deep' });
    await heuristics.upsertRule({ pattern: 'hello', preferredLayer: 'fast', active: false });
    await new RegressionTestsService(new RegressionTestsRepository(db), config()).create({
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
  it('summarises the last optimizer run by kind of change, and says when there is none', async () => {
    expect((await service.analyze({})).report?.lastOptimizerRun).toBeNull();
    const first = (await optimizerRuns.start('cli', null))!;
    await optimizerRuns.finish(first, [{ kind: 'rule.priority' }]);
    const id = (await optimizerRuns.start('tool', null))!;
    await optimizerRuns.finish(id, [{ kind: 'rule.priority' }, { kind: 'rule.priority' }, { kind: 'policy.update' }]);
    const { report } = await service.analyze({});
    expect(report?.lastOptimizerRun).toEqual({
      id,
      trigger: 'tool',
      startedAt: expect.any(String),
      finishedAt: expect.any(String),
      changes: 3,
      kinds: { 'rule.priority': 2, 'policy.update': 1 },
    });
    expect(report?.text).toContain(`Last optimizer run: #${id} (tool)`);
    expect(report?.text).toContain('3 change(s) (2 rule.priority, 1 policy.update)');
  });
});
