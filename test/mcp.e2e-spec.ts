import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { connectHttp, connectStdio } from './helpers/mcp-client';
import { listeningUrl, spawnEntry, waitFor } from './helpers/process';
import { ON_POSTGRES } from './helpers/test-database';
import { startTestGateway, TestGateway } from './helpers/test-gateway';

const SEED_TOOLS = [
  'analyze_metrics',
  'generate_regression_test',
  'get_bug_patterns',
  'get_regression_tests',
  'get_routing_heuristics',
  'record_bug_pattern',
  'record_metric',
  'update_model_performance',
  'update_routing_heuristic',
];

type CallResult = { isError?: boolean; content: Array<{ type: string; text?: string }>; structuredContent?: unknown };

async function call(client: Client, name: string, args: Record<string, unknown>): Promise<CallResult> {
  return (await client.callTool({ name, arguments: args })) as CallResult;
}

/** Writes one of each kind through the given door, with names unique to the door. */
async function writeThrough(
  door: (name: string, args: Record<string, unknown>) => Promise<unknown>,
  tag: string,
): Promise<void> {
  await door('record_metric', { name: `latency_${tag}`, value: 245, unit: 'ms', context: { endpoint: '/api/chat' } });
  await door('update_routing_heuristic', {
    pattern: `refactor ${tag}`,
    preferredLayer: 'deep',
    reasoning: 'large code changes',
  });
  await door('record_bug_pattern', {
    category: `timeout-${tag}`,
    pattern: 'upstream timed out after 30000 ms',
    description: 'slow upstream',
    severity: 'high',
  });
  await door('generate_regression_test', {
    testName: `handles timeout ${tag}`,
    category: 'routing',
    description: 'a timed-out call falls back',
    testCode: 'expect(route()).resolves.toBeDefined()',
    expectedBehavior: 'falls back to the next model',
    discoveredFrom: 'bug',
  });
  await door('update_model_performance', {
    // A model of the catalogue (an unknown id is refused), one per door.
    modelId: tag === 'mcp' ? 'sim-fast' : 'sim-balanced',
    taskType: 'coding',
    success: true,
    latencyMs: 120,
    cost: 0.002,
  });
}

const READS: Array<[string, Record<string, unknown>]> = [
  ['analyze_metrics', { taskType: 'coding', includeReport: true }],
  ['analyze_metrics', {}],
  ['get_routing_heuristics', { activeOnly: true }],
  ['get_bug_patterns', {}],
  ['get_regression_tests', { category: 'routing' }],
];

/** Fields that legitimately differ between two calls made a moment apart. */
function stable(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (k, v) => (k === 'generatedAt' || k === 'text' ? undefined : v)));
}

describe('MCP over Streamable HTTP (/mcp) and REST give the same results', () => {
  let gw: TestGateway;
  let client: Client;
  beforeAll(async () => {
    gw = await startTestGateway();
    ({ client } = await connectHttp(gw.url));
  });
  afterAll(async () => {
    await client?.close();
    await gw?.stop();
  });

  it('lists every seed tool with an object input and output schema', async () => {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(SEED_TOOLS));
    for (const t of tools) {
      expect(t.inputSchema.type).toBe('object');
      expect(t.outputSchema?.type).toBe('object');
    }
    const rest = await request(gw.url).get('/tools').expect(200);
    expect(rest.body.tools.map((t: { name: string }) => t.name).sort()).toEqual([...names].sort());
  });

  it('writes through MCP and REST, then reads the same data through both', async () => {
    await writeThrough(async (name, args) => {
      const r = await call(client, name, args);
      expect(r.isError).toBeFalsy();
      expect(r.structuredContent).toBeDefined();
      expect(r.content[0].text?.length).toBeGreaterThan(0);
    }, 'mcp');
    await writeThrough(async (name, args) => {
      const r = await request(gw.url).post(`/tools/${name}`).send(args);
      expect(r.status).toBe(200);
    }, 'rest');
    for (const [name, args] of READS) {
      const viaMcp = await call(client, name, args);
      const viaRest = await request(gw.url).post(`/tools/${name}`).send(args).expect(200);
      expect(stable(viaMcp.structuredContent)).toEqual(stable(viaRest.body));
    }
    const rules = await request(gw.url).get('/tools/get_routing_heuristics?activeOnly=true').expect(200);
    expect(JSON.stringify(rules.body)).toContain('refactor mcp');
    expect(JSON.stringify(rules.body)).toContain('refactor rest');
  });

  it('prints costs and latencies in tool texts as a person writes them, not as raw floats', async () => {
    for (let i = 0; i < 3; i++)
      await request(gw.url)
        .post('/v1/chat/completions')
        .send({ model: 'auto', messages: [{ role: 'user', content: `hello ${i}` }] })
        .expect(200);
    // The recorder writes in batches: wait for the three rows.
    const lines = await waitFor(
      async () => {
        const log = await call(client, 'get_request_log', { limit: 3 });
        const rows = log.content[0].text!.split('\n').slice(1);
        return rows.length === 3 ? rows : undefined;
      },
      10_000,
      'three request_log rows',
    );
    // e.g. "... ok 114 ms $0.0000358": whole milliseconds, three significant digits below a cent.
    for (const line of lines) expect(line).toMatch(/ \d+ ms \$(\d+\.\d{4}|0\.0*[1-9]\d{2}|\d\.\d{2}e-\d+|0\.00)$/);
    const usage = await call(client, 'get_usage_series', { window: 'hour' });
    expect(usage.content[0].text).toMatch(/answered, \$[\d.e-]+\); p50 \d+ ms, p95 \d+ ms;/);
  });

  it('tells optimizer runs and A/B tests in words, not as JSON', async () => {
    expect((await call(client, 'get_ab_tests', {})).content[0].text).toBe('No A/B test.');
    await call(client, 'start_ab_test', { name: 'mcp-words', strategyA: 'static', strategyB: 'learned', split: 0.3 });
    expect((await call(client, 'get_ab_tests', {})).content[0].text).toMatch(
      /^\d+\. mcp-words: static vs learned \(30% to learned\), running, started \S+$/,
    );
    const run = await call(client, 'run_optimizer', {});
    expect(run.isError).toBeFalsy();
    const runs = (await call(client, 'get_optimizer_runs', { limit: 1 })).content[0].text!;
    expect(runs).toMatch(/^1 optimizer run\(s\), newest first:\nRun \d+ \(tool\) at \S+: \d+ change\(s\)\./);
    expect(runs).not.toContain('{"runs"');
  });

  it('returns isError with the same text as REST for bad input, and writes nothing', async () => {
    const bad = { name: 'x', value: 'not a number', unit: 'ms' };
    const viaMcp = await call(client, 'record_metric', bad);
    const viaRest = await request(gw.url).post('/tools/record_metric').send(bad).expect(400);
    expect(viaMcp.isError).toBe(true);
    expect(viaMcp.content[0].text).toBe(viaRest.body.error);
    expect(viaRest.body.issues[0].path).toBe('value');
  });

  it('refuses an unknown tool on both doors', async () => {
    await expect(call(client, 'no_such_tool', {})).rejects.toThrow(/unknown tool/);
    await request(gw.url).post('/tools/no_such_tool').send({}).expect(404);
  });

  it('ends a session on DELETE; the old session id is then unknown (404)', async () => {
    const { client: c2, transport } = await connectHttp(gw.url);
    const sessionId = transport.sessionId!;
    expect(sessionId).toBeTruthy();
    await transport.terminateSession();
    const res = await request(gw.url)
      .post('/mcp')
      .set('mcp-session-id', sessionId)
      .set('accept', 'application/json, text/event-stream')
      .send({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    expect(res.status).toBe(404);
    await c2.close();
  });

  it('refuses a request without a session that is not an initialize request', async () => {
    const res = await request(gw.url)
      .post('/mcp')
      .set('accept', 'application/json, text/event-stream')
      .send({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    expect(res.status).toBe(400);
  });
});

(ON_POSTGRES ? describe.skip : describe)('MCP over stdio (npm run mcp)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'gw-mcp-'));

  it('serves every tool on its own database with nothing but protocol on stdout', async () => {
    const { client, stderr } = await connectStdio({ DATA_DIR: join(tmp, 'own') });
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(SEED_TOOLS));
      const written = await call(client, 'record_metric', { name: 'stdio_probe', value: 1, unit: 'count' });
      expect(written.isError).toBeFalsy();
      const report = await call(client, 'analyze_metrics', { includeReport: true });
      expect(report.isError).toBeFalsy();
      const bad = await call(client, 'record_bug_pattern', { category: 'x' });
      expect(bad.isError).toBe(true);
      expect(bad.content[0].text).toMatch(/pattern/);
    } finally {
      await client.close();
    }
    // The client would have failed on a non-protocol line; logs went to stderr.
    expect(stderr()).toContain('MCP stdio server ready');
  }, 60000);

  it('bridges to the running server when it holds the data directory', async () => {
    const dataDir = join(tmp, 'shared');
    const server = spawnEntry('main', [], { DATA_DIR: dataDir, PORT: '0' });
    const url = await listeningUrl(server);
    const { client, stderr } = await connectStdio({ DATA_DIR: dataDir });
    try {
      const r = await call(client, 'update_routing_heuristic', { pattern: 'bridged rule', preferredLayer: 'fast' });
      expect(r.isError).toBeFalsy();
      const rules = await request(url).get('/tools/get_routing_heuristics').expect(200);
      expect(JSON.stringify(rules.body)).toContain('bridged rule');
      expect(stderr()).toContain('bridging stdio');
    } finally {
      await client.close();
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }, 90000);
});
