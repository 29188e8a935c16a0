import Anthropic from '@anthropic-ai/sdk';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import pino from 'pino';
import request from 'supertest';
import { createGateway, GatewayHandle } from '../src/bootstrap/gateway';
import { PROJECT_ROOT } from '../src/common/app-info';
import { loadConfig } from '../src/config/config.loader';
import type { GatewayConfig } from '../src/config/config.schema';
import { LearnerService } from '../src/optimizer/live/learner.service';
import { createTestDatabase, TestDatabase } from './helpers/test-database';

/**
 * The operator's controls of the live learner (issue 11): the quality-floor header, feedback by the ids
 * the clients hold, A/B tests started from the config with their precedence shown, and the learner's
 * state surviving a restart (same database, a new process's worth of services).
 */
describe('learning controls (e2e)', () => {
  let tdb: TestDatabase;
  let gw: GatewayHandle;
  let url: string;
  let dataDir: string;

  function config(): GatewayConfig {
    const { config: cfg } = loadConfig({ GATEWAY_CONFIG: join(PROJECT_ROOT, 'test/fixtures/gateway.test.yaml') });
    cfg.server = { host: '127.0.0.1', port: 0 };
    // On PGlite, a data directory on disk: the restart below must find what the first start saved.
    cfg.database = { ...cfg.database, url: tdb.target.url, dataDir: tdb.target.url ? tdb.target.dataDir : dataDir };
    cfg.optimizer.seed = 3;
    cfg.optimizer.objective = { qualityFloor: 0.9, scope: 'traffic' };
    cfg.optimizer.abTests = [
      { name: 'from-config', strategyA: 'learned', strategyB: 'cheapest', split: 0.1, maxSample: 500 },
    ];
    return cfg;
  }

  async function start(): Promise<void> {
    gw = await createGateway({
      config: config(),
      logger: pino({ level: process.env.LOG_LEVEL ?? 'silent' }),
      http: true,
    });
    url = await gw.listen();
  }

  beforeAll(async () => {
    tdb = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'learning-controls-'));
    await start();
  }, 60000);

  afterAll(async () => {
    await gw?.close(1000);
    await tdb?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("refuses a malformed x-gateway-quality-floor in each door's error shape, and says which objective applied", async () => {
    const body = { model: 'auto', messages: [{ role: 'user', content: 'hello' }] };
    const bad = await request(url).post('/v1/chat/completions').set('x-gateway-quality-floor', '1.5').send(body);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ type: 'invalid_request_error', param: 'x-gateway-quality-floor' });
    const anthropic = await request(url)
      .post('/v1/messages')
      .set('x-gateway-quality-floor', 'high')
      .send({ ...body, max_tokens: 50 });
    expect(anthropic.status).toBe(400);
    expect(anthropic.body).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    expect(anthropic.body.error.message).toMatch(/x-gateway-quality-floor/);
    const ok = await request(url)
      .post('/v1/chat/completions')
      .set('x-request-id', 'floor-ok-1')
      .set('x-gateway-quality-floor', '0.8')
      .send(body);
    expect(ok.status).toBe(200);
    // The config's A/B test sends 10% of auto traffic to `cheapest`; the rest is decided under the request's floor.
    if (ok.headers['x-gateway-objective'])
      expect(ok.headers['x-gateway-objective']).toBe('quality-floor=0.8;scope=traffic');
  });

  it('takes feedback by the completion id of either door', async () => {
    const openai = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'none', maxRetries: 0 });
    const completion = await openai.chat.completions.create({
      model: 'auto',
      messages: [{ role: 'user', content: 'Explain recursion' }],
    });
    expect(completion.id).toMatch(/^chatcmpl-/);
    const viaRest = await request(url).post('/v1/feedback').send({ requestId: completion.id, score: 0.25 });
    expect(viaRest.status).toBe(200);
    expect(viaRest.body).toMatchObject({ requestId: completion.id.slice('chatcmpl-'.length), score: 0.25 });

    const anthropic = new Anthropic({ baseURL: url, apiKey: 'none', maxRetries: 0 });
    const message = await anthropic.messages.create({
      model: 'auto',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Write a haiku' }],
    });
    expect(message.id).toMatch(/^msg_/);
    const viaTool = await request(url).post('/tools/record_feedback').send({ requestId: message.id, success: true });
    expect(viaTool.status).toBe(200);
    expect(viaTool.body.requestId).toBe(message.id.slice('msg_'.length));

    const unknown = await request(url).post('/v1/feedback').send({ requestId: 'chatcmpl-nope', score: 1 });
    expect(unknown.status).toBe(404);
  });

  it('starts the A/B test of the config once, and shows which traffic each running test gets', async () => {
    const scoped = await request(url)
      .post('/tools/start_ab_test')
      .send({ name: 'coding-only', strategyA: 'learned', strategyB: 'greedy', taskType: 'coding' });
    expect(scoped.status).toBe(200);
    const res = await request(url).post('/tools/get_ab_tests').send({ status: 'running' });
    const byName = new Map<string, { precedence: string; maxSample: number | null }>(
      res.body.tests.map((t: { name: string; precedence: string; maxSample: number | null }) => [t.name, t]),
    );
    expect(byName.get('from-config')).toMatchObject({ maxSample: 500 });
    expect(byName.get('from-config')!.precedence).toMatch(/except task types "coding"/);
    expect(byName.get('coding-only')!.precedence).toMatch(/task type "coding" \(before test \d+/);
  });

  it('keeps what the learner learned across a restart', async () => {
    const openai = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'none', maxRetries: 0 });
    for (let i = 0; i < 20; i++) {
      const c = await openai.chat.completions.create({
        model: 'auto',
        messages: [{ role: 'user', content: `Sort this list of ${i} numbers in Python` }],
      });
      await request(url)
        .post('/v1/feedback')
        .send({ requestId: c.id, score: i % 3 === 0 ? 0 : 1 });
    }
    const before = gw.app.get(LearnerService).learner.view();
    expect(before.reduce((n, m) => n + m.graded, 0)).toBeGreaterThanOrEqual(20);
    await gw.close(1000); // saves the learner's state on shutdown
    await start();
    expect(gw.app.get(LearnerService).learner.view()).toEqual(before);
    // The config's test was not started twice.
    const res = await request(url).post('/tools/get_ab_tests').send({});
    expect(
      (res.body as { tests: Array<{ name: string }> }).tests.filter((t: { name: string }) => t.name === 'from-config'),
    ).toHaveLength(1);
  }, 60000);
});
