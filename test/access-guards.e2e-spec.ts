import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import request from 'supertest';
import { startFakeUpstream, type FakeUpstream } from '@ai-mcp-gateway/provider-sdk/testing';
import { ApiKeysService } from '../src/auth/api-keys.service';
import { queryRows } from '../src/database/query';
import { RecorderService } from '../src/recording/recorder.service';
import { HAVE_CHROMIUM, launchChromium } from './helpers/browser';
import { connectHttp } from './helpers/mcp-client';
import { upstreamConfig } from './helpers/fake-gateway';
import { waitFor } from './helpers/process';
import { startReplica } from './helpers/replicas';
import { ON_POSTGRES } from './helpers/test-database';
import { startTestGateway, TestGateway } from './helpers/test-gateway';

const CHAT = { model: 'auto', messages: [{ role: 'user', content: 'hello' }] };
/** Every door that takes a POST body. */
const DOORS = ['/tools/run_optimizer', '/v1/chat/completions', '/v1/messages', '/mcp'];

async function count(gw: TestGateway, sql: string, params: unknown[] = []): Promise<number> {
  const rows = await queryRows<{ n: number }>(gw.db.fork(), sql, params as never[]);
  return Number(rows[0].n);
}

describe('revoking the last key does not open the gateway', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw.stop());

  it('runs open before any key, refuses keyless requests (401) once every key is revoked, and /health says so', async () => {
    expect((await request(gw.url).get('/health')).body.checks.auth).toEqual({ mode: 'open' });
    await request(gw.url).post('/v1/chat/completions').send(CHAT).expect(200);
    const keys = gw.app.get(ApiKeysService);
    const { key, info } = await keys.create({ name: 'only', scopes: 'route,tools:read' });
    expect((await request(gw.url).get('/health')).body.checks.auth).toEqual({ mode: 'keys' });
    await request(gw.url).post('/v1/chat/completions').set('authorization', `Bearer ${key}`).send(CHAT).expect(200);
    await keys.revoke(String(info.id));
    expect((await request(gw.url).get('/health')).body.checks.auth).toEqual({ mode: 'closed' });
    const refused = await request(gw.url).post('/v1/chat/completions').send(CHAT);
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toMatch(/every API key is revoked/);
    await request(gw.url).get('/tools').expect(401);
    await request(gw.url)
      .post('/v1/messages')
      .send({ ...CHAT, max_tokens: 10 })
      .expect(401);
  });

  it('MCP tools/list shows a key only the tools its scopes allow', async () => {
    const keys = gw.app.get(ApiKeysService);
    const { key } = await keys.create({ name: 'router', scopes: 'route' });
    const { client } = await connectHttp(gw.url, { authorization: `Bearer ${key}` });
    try {
      const names = (await client.listTools()).tools.map((t) => t.name);
      expect(names).toContain('route');
      expect(names).not.toContain('run_optimizer');
      expect(names).not.toContain('list_api_keys');
      expect(names).not.toContain('get_request_log');
    } finally {
      await client.close();
    }
  });

  it('security.open: true keeps a keyless loopback gateway open after its keys are revoked', async () => {
    const open = await startTestGateway((cfg) => (cfg.security.open = true));
    try {
      const keys = open.app.get(ApiKeysService);
      const { info } = await keys.create({ name: 'temp', scopes: 'route' });
      await keys.revoke(String(info.id));
      await request(open.url).post('/v1/chat/completions').send(CHAT).expect(200);
    } finally {
      await open.stop();
    }
  });
});

(ON_POSTGRES ? describe : describe.skip)('revoking the only key on one replica closes every replica (Postgres)', () => {
  let gw: TestGateway;
  let second: Awaited<ReturnType<typeof startReplica>>;
  beforeAll(async () => {
    gw = await startTestGateway();
    second = await startReplica(gw);
  });
  afterAll(async () => {
    await second?.close(1000);
    await gw.stop();
  });

  it('a request without a key is refused (401) on both replicas, never answered 200', async () => {
    const { key, info } = await gw.app.get(ApiKeysService).create({ name: 'only', scopes: 'route' });
    for (const url of [gw.url, second.url])
      await waitFor(
        async () =>
          (await request(url).get('/v1/models').set('authorization', `Bearer ${key}`)).ok ? true : undefined,
        5000,
        'the key on every replica',
      );
    await second.app.get(ApiKeysService).revoke(String(info.id));
    const statuses: number[] = [];
    const until = Date.now() + 1500;
    while (Date.now() < until)
      for (const url of [gw.url, second.url]) statuses.push((await request(url).get('/v1/models')).status);
    expect(new Set(statuses)).toEqual(new Set([401]));
    for (const url of [gw.url, second.url])
      expect((await request(url).get('/health')).body.checks.auth).toEqual({ mode: 'closed' });
  });
});

describe('cross-origin and text/plain POSTs are refused on every door; a reused x-request-id keeps every record', () => {
  let fake: FakeUpstream;
  let gw: TestGateway;
  beforeAll(async () => {
    fake = await startFakeUpstream();
    gw = await startTestGateway((cfg) => upstreamConfig(cfg, fake.url));
  });
  afterAll(async () => {
    await gw.stop();
    await fake.close();
  });

  it.each(DOORS)(
    '%s: a text/plain POST from a foreign Origin is refused (403), and without Origin (415)',
    async (path) => {
      const foreign = await request(gw.url)
        .post(path)
        .set('origin', 'http://evil.example.com')
        .set('content-type', 'text/plain')
        .send('x');
      expect(foreign.status).toBe(403);
      expect(foreign.text).toMatch(/Origin .{0,2}http:\/\/evil.example.com.{0,2} is not allowed/);
      const plain = await request(gw.url).post(path).set('content-type', 'text/plain').send(JSON.stringify(CHAT));
      expect(plain.status).toBe(415);
      const rebound = await request(gw.url).post(path).set('host', 'evil.example.com').send(CHAT);
      expect(rebound.status).toBe(403);
      expect(await count(gw, 'select count(*)::int as n from optimizer_runs')).toBe(0);
      expect(fake.requests.filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(0);
    },
  );

  (HAVE_CHROMIUM ? it : it.skip)('a page served on another origin cannot drive the gateway', async () => {
    const page: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>evil</title>');
    });
    await new Promise<void>((r) => page.listen(0, '127.0.0.1', r));
    const browser = await launchChromium();
    try {
      const tab = await browser.newPage();
      await tab.goto(`http://localhost:${(page.address() as AddressInfo).port}/`);
      const sent = await tab.evaluate(
        async ({ base, doors, body }) => {
          const out: string[] = [];
          for (const door of doors) {
            // no-cors: the simple request a page can send to any address without a preflight.
            const r = await fetch(base + door, {
              method: 'POST',
              mode: 'no-cors',
              body,
              headers: { 'content-type': 'text/plain' },
            });
            out.push(r.type);
          }
          return out;
        },
        { base: gw.url, doors: DOORS, body: JSON.stringify(CHAT) },
      );
      expect(sent).toEqual(DOORS.map(() => 'opaque'));
      expect(await count(gw, 'select count(*)::int as n from optimizer_runs')).toBe(0);
      expect(fake.requests.filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(0);
    } finally {
      await browser.close();
      page.close();
    }
  });

  it('the console, served by the gateway itself, still calls its tools (same origin)', async () => {
    const res = await request(gw.url).get('/tools/whoami').set('origin', gw.url);
    expect(res.status).toBe(200);
  });

  it('three requests with one client x-request-id are three request_log rows, each with the client id beside it', async () => {
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'x', maxRetries: 0 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { response } = await client.chat.completions
        .create(
          { model: 'fake-small', messages: [{ role: 'user', content: `same id ${i}` }] },
          { headers: { 'x-request-id': 'dup-1' } },
        )
        .withResponse();
      expect(response.headers.get('x-client-request-id')).toBe('dup-1');
      ids.push(response.headers.get('x-request-id')!);
    }
    expect(new Set(ids).size).toBe(3);
    await gw.app.get(RecorderService).flush();
    expect(await count(gw, `select count(*)::int as n from request_log where client_request_id = 'dup-1'`)).toBe(3);
    const perf = await queryRows<{ n: number }>(
      gw.db.fork(),
      `select coalesce(sum(total_calls), 0)::int as n from model_performance where model_id = 'fake-small'`,
    );
    expect(Number(perf[0].n)).toBe(3);
    const feedback = await request(gw.url).post('/tools/record_feedback').send({ requestId: ids[1], score: 0.25 });
    expect(feedback.status).toBe(200);
    const scored = await queryRows<{ id: string }>(
      gw.db.fork(),
      'select id from request_log where feedback_score is not null',
    );
    expect(scored.map((r) => r.id)).toEqual([ids[1]]);
  });
});
