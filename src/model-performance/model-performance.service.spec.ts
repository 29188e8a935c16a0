import { gatewayConfigSchema } from '../config/config.schema';
import { DatabaseService } from '../database/database.service';
import { InvalidInputError } from '../errors';
import { ModelCatalogue } from '../providers/model-catalogue';
import { rejectionOf } from '../../test/helpers/assertions';
import { simCatalogue } from '../../test/helpers/catalogue';
import { useTestDatabase } from '../../test/helpers/test-database';
import { ModelPerformanceRepository } from './model-performance.repository';
import { modelPerformanceSchema, ModelPerformanceDto, updateModelPerformanceInput } from './model-performance.schemas';
import { ModelCall, ModelPerformanceService } from './model-performance.service';
import { ModelPerformanceTools } from './model-performance.tools';

const caught = (promise: Promise<unknown>) => rejectionOf(promise, InvalidInputError);

describe('ModelPerformanceService', () => {
  let db: DatabaseService;
  let service: ModelPerformanceService;
  const database = useTestDatabase(['model_performance']);
  beforeAll(() => {
    db = database.db;
    service = new ModelPerformanceService(new ModelPerformanceRepository(db), simCatalogue());
  });

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
    const tools = new ModelPerformanceTools(service);
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
      (await caught(service.recordModelCall({ modelId: 'a', taskType: 'chat', success: true, latencyMs: -1, cost: 0 })))
        .issues[0].path,
    ).toBe('latencyMs');
  });

  it('refuses a reported call for a model the catalogue does not know, naming modelId and the known models', async () => {
    const tools = new ModelPerformanceTools(service);
    const input = updateModelPerformanceInput.parse({
      modelId: 'gpt-imaginary',
      taskType: 'coding',
      success: true,
      latencyMs: 1,
      cost: 0,
    });
    const err = await caught(tools.updateModelPerformance(input));
    expect(err.issues).toEqual([
      { path: 'modelId', message: 'unknown model "gpt-imaginary": known models are sim-fast, sim-balanced, sim-deep' },
    ]);
    const empty = new ModelPerformanceService(
      new ModelPerformanceRepository(db),
      new ModelCatalogue(gatewayConfigSchema.parse({})),
    );
    expect((await caught(empty.recordReportedCall(input))).message).toMatch(/no model is configured/);
    expect(await service.listModelPerformance()).toEqual([]);
  });

  it('publishes the rows of every write to its subscribers until they unsubscribe', async () => {
    const heard: ModelPerformanceDto[][] = [];
    const unsubscribe = service.subscribe((rows) => heard.push([...rows]));
    const unsubscribeBroken = service.subscribe(() => {
      throw new Error('a broken listener does not fail the write');
    });
    await service.recordModelCalls([
      { modelId: 'sim-fast', taskType: 'chat', success: true, latencyMs: 10, cost: 1 },
      { modelId: 'sim-deep', taskType: 'chat', success: false, latencyMs: 30, cost: 3 },
    ]);
    await service.recordReportedCall({ modelId: 'sim-fast', taskType: 'chat', success: true, latencyMs: 5, cost: 1 });
    expect(heard.map((rows) => rows.map((r) => `${r.modelId}:${r.totalCalls}`).sort())).toEqual([
      ['sim-deep:1', 'sim-fast:1'],
      ['sim-fast:2'],
    ]);
    unsubscribe();
    unsubscribeBroken();
    await service.recordModelCall({ modelId: 'sim-fast', taskType: 'chat', success: true, latencyMs: 5, cost: 1 });
    expect(heard).toHaveLength(2);
  });
});
