import Anthropic from '@anthropic-ai/sdk';
import Redis from 'ioredis';
import OpenAI from 'openai';
import { randomBytes } from 'node:crypto';
import { startFakeUpstream, type FakeUpstream } from '@ai-mcp-gateway/provider-sdk/testing';
import { RecorderService } from '../src/recording/recorder.service';
import { RequestLogService } from '../src/request-log/request-log.service';
import { ResponseCacheService } from '../src/response-cache/response-cache.service';
import { crossFormatConfig, sentBodies } from './helpers/cross-format';
import { waitFor } from './helpers/process';
import { startTestGateway, TestGateway } from './helpers/test-gateway';

const UPSTREAM_LATENCY_MS = 50;

async function rows(gw: TestGateway, sql: string, params: unknown[] = []): Promise<Array<Record<string, unknown>>> {
  return gw.db.fork().getConnection().execute(sql, params);
}

describe('the response cache, with the official clients against an upstream that takes 50 ms', () => {
  let fake: FakeUpstream;
  let gw: TestGateway;
  let openai: OpenAI;
  beforeAll(async () => {
    fake = await startFakeUpstream({ models: ['fake-small', 'fake-vision', 'claude-fake'] });
    gw = await startTestGateway((cfg) => crossFormatConfig(cfg, fake.url));
    openai = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'x', maxRetries: 0 });
  });
  beforeEach(() => {
    fake.reset();
    fake.fail({ type: 'delay', ms: UPSTREAM_LATENCY_MS }, { times: 1000 });
  });
  afterAll(async () => {
    await gw.stop();
    await fake.close();
  });

  const upstreamCalls = () => sentBodies(fake).length;
  const ask = (content: string, extra: Partial<OpenAI.ChatCompletionCreateParamsNonStreaming> = {}) =>
    openai.chat.completions
      .create({ model: 'fake-small', temperature: 0, messages: [{ role: 'user', content }], ...extra })
      .withResponse();

  it('answers the same request twice: the second is a hit, 10x faster, free, and not an outcome of the model', async () => {
    // A first request opens the upstream connection, so the timed one measures the upstream's latency only.
    await ask('warm up');
    const from = new Date();
    let started = performance.now();
    const first = await ask('What is the capital of France?');
    const missMs = performance.now() - started;
    // The fastest of ten hits: a slow turn of a loaded machine (a recorder flush, another process) says nothing of the cache.
    const hitTimes: number[] = [];
    let second!: Awaited<ReturnType<typeof ask>>;
    for (let i = 0; i < 10; i++) {
      started = performance.now();
      second = await ask('What is the capital of France?');
      hitTimes.push(performance.now() - started);
    }
    const hitMs = Math.min(...hitTimes);

    expect(first.response.headers.get('x-gateway-cache')).toBe('miss');
    expect(second.response.headers.get('x-gateway-cache')).toBe('hit');
    expect(second.data.choices[0].message.content).toBe(first.data.choices[0].message.content);
    expect(second.data.usage).toEqual(first.data.usage);
    expect(upstreamCalls()).toBe(2);
    expect(missMs).toBeGreaterThanOrEqual(UPSTREAM_LATENCY_MS);
    expect(hitMs).toBeLessThan(missMs);

    await gw.app.get(RecorderService).flush();
    const logged = await rows(
      gw,
      'select id, cost, cached, success, attempts, latency_ms from request_log where id in (?, ?)',
      [first.response.headers.get('x-request-id'), second.response.headers.get('x-request-id')],
    );
    const byId = new Map(logged.map((r) => [r.id, r]));
    expect(byId.get(first.response.headers.get('x-request-id'))).toMatchObject({ cached: false, success: true });
    expect(Number(byId.get(first.response.headers.get('x-request-id'))?.cost)).toBeGreaterThan(0);
    expect(byId.get(second.response.headers.get('x-request-id'))).toMatchObject({
      cached: true,
      success: true,
      attempts: 0,
    });
    expect(Number(byId.get(second.response.headers.get('x-request-id'))?.cost)).toBe(0);
    // The gateway's own answer time (request_log.latency_ms, free of the client's and the machine's noise): 10x at least.
    const gatewayMissMs = Number(byId.get(first.response.headers.get('x-request-id'))?.latency_ms);
    const gatewayHitMs = Number(byId.get(second.response.headers.get('x-request-id'))?.latency_ms);
    expect(gatewayMissMs).toBeGreaterThanOrEqual(UPSTREAM_LATENCY_MS);
    expect(gatewayHitMs * 10).toBeLessThan(gatewayMissMs);
    // The optimizer's outcomes since then count the miss, never the hits.
    const outcomes = await gw.app.get(RequestLogService).outcomesPerModel(from, new Date(Date.now() + 1000));
    expect(outcomes.reduce((n, o) => n + o.n, 0)).toBe(1);
  });

  it('replays a hit as a stream, and a streamed answer serves a later non-streamed request', async () => {
    const content = 'Stream me the capital of Italy.';
    const streamed = await openai.chat.completions
      .create({ model: 'fake-small', temperature: 0, stream: true, messages: [{ role: 'user', content }] })
      .withResponse();
    expect(streamed.response.headers.get('x-gateway-cache')).toBe('miss');
    let text = '';
    for await (const chunk of streamed.data) text += chunk.choices[0]?.delta?.content ?? '';
    const again = await openai.chat.completions
      .create({ model: 'fake-small', temperature: 0, stream: true, messages: [{ role: 'user', content }] })
      .withResponse();
    expect(again.response.headers.get('x-gateway-cache')).toBe('hit');
    let replayed = '';
    let finish: string | null | undefined;
    for await (const chunk of again.data) {
      replayed += chunk.choices[0]?.delta?.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(replayed).toBe(text);
    expect(finish).toBe('stop');
    const plain = await ask(content);
    expect(plain.response.headers.get('x-gateway-cache')).toBe('hit');
    expect(plain.data.choices[0].message.content).toBe(text);
    expect(upstreamCalls()).toBe(1);
  });

  it('caches only deterministic requests: temperature 0 or x-gateway-cache: use; cache-control: no-cache skips it', async () => {
    await ask('warm', { temperature: 0.7 });
    const warm = await ask('warm', { temperature: 0.7 });
    expect(warm.response.headers.get('x-gateway-cache')).toBe('miss');
    const optIn = { headers: { 'x-gateway-cache': 'use' } };
    const a = await openai.chat.completions
      .create({ model: 'fake-small', temperature: 0.7, messages: [{ role: 'user', content: 'opt in' }] }, optIn)
      .withResponse();
    const b = await openai.chat.completions
      .create({ model: 'fake-small', temperature: 0.7, messages: [{ role: 'user', content: 'opt in' }] }, optIn)
      .withResponse();
    expect([a.response.headers.get('x-gateway-cache'), b.response.headers.get('x-gateway-cache')]).toEqual([
      'miss',
      'hit',
    ]);
    await ask('skip me');
    const skipped = await openai.chat.completions
      .create(
        { model: 'fake-small', temperature: 0, messages: [{ role: 'user', content: 'skip me' }] },
        { headers: { 'cache-control': 'no-cache' } },
      )
      .withResponse();
    expect(skipped.response.headers.get('x-gateway-cache')).toBe('miss');
    expect(upstreamCalls()).toBe(5);
  });

  it('never keeps an error, and keys on every parameter that changes the answer', async () => {
    fake.reset();
    fake.fail({ type: 'status', status: 400, message: 'no' });
    await expect(ask('fails once')).rejects.toThrow();
    const after = await ask('fails once');
    expect(after.response.headers.get('x-gateway-cache')).toBe('miss');
    const longer = await ask('fails once', { max_tokens: 12 });
    expect(longer.response.headers.get('x-gateway-cache')).toBe('miss');
    const other = await ask('fails once', { model: 'fast' });
    expect(other.response.headers.get('x-gateway-cache')).toBe('miss');
    expect((await ask('fails once')).response.headers.get('x-gateway-cache')).toBe('hit');
  });

  it('serves the Anthropic door from the same cache pipeline', async () => {
    const anthropic = new Anthropic({ baseURL: gw.url, apiKey: 'x', maxRetries: 0 });
    const params = {
      model: 'claude-fake',
      max_tokens: 64,
      temperature: 0,
      messages: [{ role: 'user' as const, content: 'hello cache' }],
    };
    const first = await anthropic.messages.create(params).withResponse();
    const second = await anthropic.messages.create(params).withResponse();
    expect(first.response.headers.get('x-gateway-cache')).toBe('miss');
    expect(second.response.headers.get('x-gateway-cache')).toBe('hit');
    expect(second.data.content).toEqual(first.data.content);
    expect(upstreamCalls()).toBe(1);
  });
});

describe('the response cache shared through Redis', () => {
  const REDIS_URL = 'redis://127.0.0.1:6379';
  const prefix = `gw:test:cache:${randomBytes(6).toString('hex')}:`;
  let fake: FakeUpstream;
  let a: TestGateway;
  let b: TestGateway;
  let down: TestGateway;
  beforeAll(async () => {
    fake = await startFakeUpstream({ models: ['fake-small', 'fake-vision', 'claude-fake'] });
    const shared = (redisUrl: string) => (cfg: Parameters<typeof crossFormatConfig>[0]) => {
      crossFormatConfig(cfg, fake.url);
      cfg.cache = { ...cfg.cache, redisUrl, keyPrefix: prefix };
    };
    [a, b, down] = await Promise.all([
      startTestGateway(shared(REDIS_URL)),
      startTestGateway(shared(REDIS_URL)),
      startTestGateway(shared('redis://127.0.0.1:1')),
    ]);
  });
  afterAll(async () => {
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await Promise.all([a?.stop(), b?.stop(), down?.stop()]);
    await fake.close();
  });

  const ask = (gw: TestGateway, content: string) =>
    new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'x', maxRetries: 0 }).chat.completions
      .create({ model: 'fake-small', temperature: 0, messages: [{ role: 'user', content }] })
      .withResponse();

  it('an answer kept by one replica is a hit on another', async () => {
    expect(a.app.get(ResponseCacheService).backend).toBe('redis');
    // Connecting takes a moment on a loaded machine: until then every lookup is a miss, by design.
    for (const gw of [a, b])
      await waitFor(() => Promise.resolve(gw.app.get(ResponseCacheService).ready || undefined), 10000, 'Redis');
    const first = await ask(a, 'shared question');
    expect(first.response.headers.get('x-gateway-cache')).toBe('miss');
    // The write is off the response path: wait until it has landed.
    const redis = new Redis(REDIS_URL);
    for (let i = 0; i < 50 && (await redis.keys(`${prefix}*`)).length === 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    redis.disconnect();
    const second = await ask(b, 'shared question');
    expect(second.response.headers.get('x-gateway-cache')).toBe('hit');
    expect(second.data.choices[0].message.content).toBe(first.data.choices[0].message.content);
    expect(sentBodies(fake).length).toBe(1);
  });

  it('a Redis that cannot be reached is a miss, never a failed request', async () => {
    const res = await ask(down, 'redis is down');
    expect(res.response.headers.get('x-gateway-cache')).toBe('miss');
    const again = await ask(down, 'redis is down');
    expect(again.response.headers.get('x-gateway-cache')).toBe('miss');
  });
});
