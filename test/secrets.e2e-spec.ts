import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import request from 'supertest';
import { startFakeUpstream, type FakeUpstream } from '@ai-mcp-gateway/provider-sdk/testing';
import { createGateway, type GatewayHandle } from '../src/bootstrap/gateway';
import { RecorderService } from '../src/recording/recorder.service';
import { connectHttp } from './helpers/mcp-client';
import { createTestDatabase, type TestDatabase } from './helpers/test-database';
import { testConfig } from './helpers/test-gateway';

/**
 * Plants three secrets (a provider API key that the upstream echoes in its errors, a bearer key in
 * Authorization, a secret in a message), runs success and failure paths (one creates a regression test with
 * a replay snapshot), then greps every place they could leak to: debug logs, tool outputs, HTTP answers,
 * request_log, bug_patterns, regression_tests (replay included).
 */
describe('secrets never leak', () => {
  const PROVIDER_KEY = `sk-prov-${randomBytes(12).toString('hex')}`;
  const BEARER = `gwk-bearer-${randomBytes(12).toString('hex')}`;
  const BODY_SECRET = `body-secret-${randomBytes(12).toString('hex')}`;
  const SECRETS = [PROVIDER_KEY, BEARER, BODY_SECRET];
  const ENV = 'GW_SECRETS_TEST_PROVIDER_KEY';
  let log = '';
  let fake: FakeUpstream;
  let tdb: TestDatabase;
  let gw: GatewayHandle;
  let url: string;
  const seen: string[] = [];

  const leaks = (where: string, text: string) =>
    SECRETS.filter((s) => text.includes(s)).map((s) => `${where}: ${s.slice(0, 12)}...`);
  const chat = (body: Record<string, unknown>) =>
    request(url)
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${BEARER}`)
      .send({ messages: [{ role: 'user', content: `please keep ${BODY_SECRET} safe` }], ...body })
      .then((res) => (seen.push(`chat ${res.status}: ${res.text}`), res));

  beforeAll(async () => {
    process.env[ENV] = PROVIDER_KEY;
    fake = await startFakeUpstream();
    tdb = await createTestDatabase();
    const config = testConfig((cfg) => {
      cfg.server = { host: '127.0.0.1', port: 0 };
      cfg.database = { ...cfg.database, url: tdb.target.url, dataDir: tdb.target.dataDir };
      cfg.providers = [
        {
          id: 'up',
          plugin: 'openai-compatible',
          options: { baseUrl: `${fake.url}/v1`, apiKeyEnv: ENV, models: ['fake-small', 'fake-large'] },
          enabled: true,
        },
      ];
      cfg.models = [
        {
          id: 'fake-small',
          provider: 'up',
          layer: 'fast',
          price: { input: 0.5, output: 1.5 },
          contextWindow: 16384,
          strengths: [],
        },
        {
          id: 'fake-large',
          provider: 'up',
          layer: 'balanced',
          price: { input: 3, output: 15 },
          contextWindow: 65536,
          strengths: [],
        },
      ];
      cfg.routing = {
        ...cfg.routing,
        maxRetries: 0,
        backoffBaseMs: 1,
        backoffMaxMs: 2,
        breaker: { failureThreshold: 1000, cooldownMs: 1000 },
      };
      cfg.recording.flushIntervalMs = 600_000;
    });
    const sink = new Writable({
      write(chunk, _enc, cb) {
        log += chunk.toString();
        cb();
      },
    });
    gw = await createGateway({ config, logger: pino({ level: 'debug' }, sink), http: true });
    url = await gw.listen();
  });
  afterAll(async () => {
    await gw?.close(1000);
    await tdb?.drop();
    await fake?.close();
    delete process.env[ENV];
  });

  it('runs success and failure paths with the secrets planted', async () => {
    expect((await chat({ model: 'fake-small' })).status).toBe(200);
    expect((await chat({ model: 'fake-small', stream: true })).status).toBe(200);
    // The upstream echoes the provider key in its errors: 401, 400, 500 (then a new bug pattern and a regression test).
    fake.fail({ type: 'status', status: 401, message: `Incorrect API key provided: ${PROVIDER_KEY}` });
    expect((await chat({ model: 'fake-small' })).status).toBeGreaterThanOrEqual(400);
    fake.fail({
      type: 'status',
      status: 400,
      message: `bad request with key ${PROVIDER_KEY} and Authorization: Bearer ${PROVIDER_KEY}`,
    });
    expect((await chat({ model: 'fake-small' })).status).toBeGreaterThanOrEqual(400);
    fake.fail({ type: 'status', status: 500, message: `internal error for ${PROVIDER_KEY}` }, { times: 5 });
    expect((await chat({ model: 'fake-small' })).status).toBeGreaterThanOrEqual(500);
    // Mid-stream in-band error that echoes the key.
    fake.fail({ type: 'stream_error', afterEvents: 2, message: `stream broke for ${PROVIDER_KEY}` });
    await chat({ model: 'fake-small', stream: true });
    fake.fail({ type: 'stream_error', afterEvents: 0, message: `stream refused for ${PROVIDER_KEY}` }, { times: 5 });
    await chat({ model: 'fake-small', stream: true });
    // The same over MCP (bearer in the transport headers) and the route tool.
    const { client } = await connectHttp(url, { authorization: `Bearer ${BEARER}` });
    const ok = await client.callTool({
      name: 'route',
      arguments: { prompt: `hello ${BODY_SECRET}`, model: 'fake-small' },
    });
    seen.push(JSON.stringify(ok));
    fake.fail({ type: 'status', status: 500, message: `again ${PROVIDER_KEY}` }, { times: 5 });
    const bad = await client.callTool({
      name: 'route',
      arguments: { prompt: `hello ${BODY_SECRET}`, model: 'fake-large' },
    });
    expect(bad.isError).toBe(true);
    seen.push(JSON.stringify(bad));
    await client.close();
    await gw.app.get(RecorderService).flush();

    // The caller's bearer key never went upstream; the provider key did (as its own Authorization).
    const upstreamHeaders = JSON.stringify(fake.requests.map((r) => r.headers));
    expect(upstreamHeaders).not.toContain(BEARER);
    expect(upstreamHeaders).toContain(PROVIDER_KEY);
    // Something was recorded: a regression test with a replay snapshot.
    const tests = await request(url).get('/tools/get_regression_tests').expect(200);
    expect(tests.body.items.length).toBeGreaterThan(0);
    expect(JSON.stringify(tests.body)).toMatch(/"replay"/);
  });

  it('greps logs, tool outputs, answers and tables: no secret anywhere', async () => {
    const outputs: string[] = [];
    for (const [name, query] of [
      ['get_regression_tests', '?limit=100'],
      ['get_bug_patterns', '?limit=100'],
      ['analyze_metrics', '?includeReport=true'],
      ['get_routing_heuristics', ''],
      ['list_models', ''],
    ]) {
      const res = await request(url).get(`/tools/${name}${query}`).expect(200);
      outputs.push(`${name}: ${res.text}`);
    }
    const exported = await gw.db
      .fork()
      .getConnection()
      .execute<{ t: string }[]>(
        `select (select coalesce(json_agg(r), '[]') from request_log r)::text || (select coalesce(json_agg(b), '[]') from bug_patterns b)::text || (select coalesce(json_agg(t), '[]') from regression_tests t)::text as t`,
      );
    const metrics = (await request(url).get('/metrics')).text;
    const health = (await request(url).get('/health')).text;
    expect(log.length).toBeGreaterThan(1000);
    expect(log).toMatch(/"msg":"request"/); // the access log of the calls above is in
    const found = [
      ...leaks('log', log),
      ...outputs.flatMap((o) => leaks('tool output', o)),
      ...seen.flatMap((s) => leaks('answer', s)),
      ...leaks('tables', exported[0].t),
      ...leaks('metrics', metrics),
      ...leaks('health', health),
    ];
    expect(found).toEqual([]);
  });
});
