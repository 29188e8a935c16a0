import request from 'supertest';
import { startTestGateway, TestGateway } from './helpers/test-gateway';

/** [tool, case, input, the field the error must name] — three bad inputs per seed tool. */
export const BAD_INPUTS: Array<[string, string, Record<string, unknown>, string]> = [
  [
    'generate_regression_test',
    'missing field',
    { category: 'c', description: 'd', testCode: 't', expectedBehavior: 'e', discoveredFrom: 'bug' },
    'testName',
  ],
  [
    'generate_regression_test',
    'wrong type',
    { testName: 'n', category: 'c', description: 'd', testCode: 't', expectedBehavior: 'e', discoveredFrom: 5 },
    'discoveredFrom',
  ],
  [
    'generate_regression_test',
    'out of range',
    {
      testName: 'n'.repeat(300),
      category: 'c',
      description: 'd',
      testCode: 't',
      expectedBehavior: 'e',
      discoveredFrom: 'bug',
    },
    'testName',
  ],
  ['update_routing_heuristic', 'missing field', { pattern: 'x' }, 'preferredLayer'],
  [
    'update_routing_heuristic',
    'wrong type',
    { pattern: 'x', preferredLayer: 'fast', successRate: 'high' },
    'successRate',
  ],
  [
    'update_routing_heuristic',
    'out of range',
    { pattern: 'x', preferredLayer: 'fast', successRate: 150 },
    'successRate',
  ],
  ['record_bug_pattern', 'missing field', { category: 'c', pattern: 'p', description: 'd' }, 'severity'],
  ['record_bug_pattern', 'wrong type', { category: 'c', pattern: 42, description: 'd', severity: 'low' }, 'pattern'],
  [
    'record_bug_pattern',
    'out of range',
    { category: 'c', pattern: 'p', description: 'd', severity: 'catastrophic' },
    'severity',
  ],
  ['record_metric', 'missing field', { name: 'n', value: 1 }, 'unit'],
  ['record_metric', 'wrong type', { name: 'n', value: 'fast', unit: 'ms' }, 'value'],
  ['record_metric', 'out of range', { name: 'n'.repeat(201), value: 1, unit: 'ms' }, 'name'],
  ['update_model_performance', 'missing field', { modelId: 'm', taskType: 't', latencyMs: 1, cost: 0 }, 'success'],
  [
    'update_model_performance',
    'wrong type',
    { modelId: 'm', taskType: 't', success: 'yes', latencyMs: 1, cost: 0 },
    'success',
  ],
  [
    'update_model_performance',
    'out of range',
    { modelId: 'm', taskType: 't', success: true, latencyMs: -1, cost: 0 },
    'latencyMs',
  ],
  ['analyze_metrics', 'empty field', { taskType: '' }, 'taskType'],
  ['analyze_metrics', 'wrong type', { includeReport: 'maybe' }, 'includeReport'],
  ['analyze_metrics', 'out of range', { taskType: 't'.repeat(101) }, 'taskType'],
  ['get_regression_tests', 'wrong type', { category: 5 }, 'category'],
  ['get_regression_tests', 'out of range (limit)', { limit: 0 }, 'limit'],
  ['get_regression_tests', 'out of range (offset)', { offset: -1 }, 'offset'],
  ['get_routing_heuristics', 'wrong type', { activeOnly: 'perhaps' }, 'activeOnly'],
  ['get_routing_heuristics', 'out of range', { limit: 1000 }, 'limit'],
  ['get_routing_heuristics', 'wrong type (offset)', { offset: 'x' }, 'offset'],
  ['get_bug_patterns', 'wrong type', { category: {} }, 'category'],
  ['get_bug_patterns', 'out of range', { limit: 501 }, 'limit'],
  ['get_bug_patterns', 'out of range (offset)', { offset: -5 }, 'offset'],
];

async function counts(url: string): Promise<unknown> {
  const res = await request(url).post('/tools/analyze_metrics').send({ includeReport: true }).expect(200);
  return { counts: res.body.report.counts, models: res.body.models };
}

describe('REST tools: the seed calls and bad input', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(async () => {
    await gw.stop();
  });

  it("serves the seed's three example calls verbatim", async () => {
    const metric = await request(gw.url)
      .post('/tools/record_metric')
      .set('content-type', 'application/json')
      .send('{"name":"response_time","value":245,"unit":"ms","context":{"endpoint":"/api/chat"}}')
      .expect(200);
    expect(metric.body).toMatchObject({
      name: 'response_time',
      value: 245,
      unit: 'ms',
      context: { endpoint: '/api/chat' },
    });
    await request(gw.url)
      .post('/tools/update_model_performance')
      .send({ modelId: 'sim-deep', taskType: 'coding', success: true, latencyMs: 900, cost: 0.01 })
      .expect(200);
    const analysis = await request(gw.url)
      .post('/tools/analyze_metrics')
      .set('content-type', 'application/json')
      .send('{"taskType":"coding","includeReport":true}')
      .expect(200);
    expect(analysis.body.models[0]).toMatchObject({ modelId: 'sim-deep', totalCalls: 1, successRate: 100 });
    expect(analysis.body.report.text).toContain('# Performance Analysis Report');
    const rules = await request(gw.url).get('/tools/get_routing_heuristics?activeOnly=true').expect(200);
    expect(rules.body).toEqual({ items: [], total: 0 });
  });

  it.each(BAD_INPUTS)('%s, %s: 400 naming the field, nothing written', async (tool, _case, input, field) => {
    const before = await counts(gw.url);
    const res = await request(gw.url).post(`/tools/${tool}`).send(input);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/^Invalid input: /);
    const issue = res.body.issues.find((i: { path: string }) => i.path === field);
    expect(issue).toBeDefined();
    if (_case === 'missing field') expect(issue.message).toBe('is required');
    expect(await counts(gw.url)).toEqual(before);
  });

  it('coerces GET query strings through the same schema and rejects what does not convert', async () => {
    await request(gw.url).get('/tools/get_bug_patterns?limit=5&offset=0').expect(200);
    const bad = await request(gw.url).get('/tools/get_bug_patterns?limit=lots').expect(400);
    expect(bad.body.issues[0].path).toBe('limit');
  });

  it('refuses GET on a tool that writes (405) and unknown tools (404)', async () => {
    await request(gw.url).get('/tools/record_metric?name=x&value=1&unit=ms').expect(405);
    await request(gw.url).get('/tools/nope').expect(404);
  });

  it('refuses a pattern RE2 cannot run, naming the reason', async () => {
    const res = await request(gw.url)
      .post('/tools/update_routing_heuristic')
      .send({ pattern: '(a)\\1', preferredLayer: 'fast' })
      .expect(400);
    expect(res.body.issues[0].path).toBe('pattern');
    const look = await request(gw.url)
      .post('/tools/update_routing_heuristic')
      .send({ pattern: 'foo(?=bar)', preferredLayer: 'fast' })
      .expect(400);
    expect(look.body.error).toMatch(/pattern/);
  });

  it('a duplicate regression test name is a 409 and changes nothing', async () => {
    const body = {
      testName: 'dup',
      category: 'c',
      description: 'd',
      testCode: 't',
      expectedBehavior: 'e',
      discoveredFrom: 'bug',
    };
    await request(gw.url).post('/tools/generate_regression_test').send(body).expect(200);
    const res = await request(gw.url)
      .post('/tools/generate_regression_test')
      .send({ ...body, description: 'changed' })
      .expect(409);
    expect(res.body.error).toMatch(/dup/);
    const list = await request(gw.url).get('/tools/get_regression_tests').expect(200);
    expect(list.body.items.filter((t: { testName: string }) => t.testName === 'dup')).toEqual([
      expect.objectContaining({ description: 'd' }),
    ]);
  });

  it('100 concurrent update_model_performance calls over HTTP add exactly 100 calls', async () => {
    const calls = Array.from({ length: 100 }, (_, i) =>
      request(gw.url)
        .post('/tools/update_model_performance')
        .send({ modelId: 'sim-balanced', taskType: 'chat', success: i % 4 === 0, latencyMs: i, cost: 0.001 })
        .then((r) => r.status),
    );
    expect(new Set(await Promise.all(calls))).toEqual(new Set([200]));
    const res = await request(gw.url)
      .post('/tools/analyze_metrics')
      .send({ taskType: 'chat', includeReport: false })
      .expect(200);
    const row = res.body.models.find((m: { modelId: string }) => m.modelId === 'sim-balanced');
    expect(row).toMatchObject({ totalCalls: 100, successes: 25, successRate: 25 });
    expect(row.avgLatencyMs).toBeCloseTo(49.5, 6);
  });
});
