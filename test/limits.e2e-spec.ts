import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import request from 'supertest';
import { ApiKeysService } from '../src/auth/api-keys.service';
import { RateLimitMiddleware } from '../src/security/rate-limit.middleware';
import { GatewayConfig } from '../src/config/config.schema';
import { startTestGateway, TestGateway } from './helpers/test-gateway';

const REDIS_URL = 'redis://127.0.0.1:6379';
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** A bucket namespace of its own, so runs and suites never share counts. */
function limits(perMinute: number, redisUrl?: string, keyPrefix = `gw:test:${randomBytes(6).toString('hex')}:`) {
  return (cfg: GatewayConfig) => {
    cfg.security.rateLimit = { requestsPerMinute: perMinute, redisUrl, keyPrefix };
  };
}

describe('limits: per-caller rate limit in memory', () => {
  let gw: TestGateway;
  const saved = process.env.REDIS_URL;
  beforeAll(async () => {
    delete process.env.REDIS_URL;
    gw = await startTestGateway(limits(3));
  });
  afterAll(async () => {
    await gw.stop();
    if (saved !== undefined) process.env.REDIS_URL = saved;
  });

  it('answers 429 with Retry-After past the limit (per client IP while open), never on /health', async () => {
    expect(gw.app.get(RateLimitMiddleware).backend).toBe('memory');
    for (let i = 0; i < 3; i++) {
      const ok = await request(gw.url).get('/tools').expect(200);
      expect(ok.headers['x-ratelimit-limit']).toBe('3');
      expect(ok.headers['x-ratelimit-remaining']).toBe(String(2 - i));
    }
    const limited = await request(gw.url).get('/tools').expect(429);
    expect(limited.headers['retry-after']).toMatch(/^(19|20)$/);
    expect(limited.body).toEqual({
      error: expect.stringContaining('rate limit of 3 requests per minute'),
      kind: 'rate_limited',
      issues: [],
    });
    const openAi = await request(gw.url).get('/v1/models').expect(429);
    expect(openAi.body.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
    expect(openAi.headers['retry-after']).toBeDefined();
    const mcp = await request(gw.url).post('/mcp').send({}).expect(429);
    expect(mcp.body).toMatchObject({ jsonrpc: '2.0', error: { code: -32029 } });
    for (let i = 0; i < 5; i++) await request(gw.url).get('/health').expect(200);
  });

  it('counts per API key once keys exist: one key at its limit leaves another untouched', async () => {
    const keys = gw.app.get(ApiKeysService);
    const a = (await keys.create({ name: 'a', scopes: 'admin' })).key;
    const b = (await keys.create({ name: 'b', scopes: 'admin' })).key;
    for (let i = 0; i < 3; i++) await request(gw.url).get('/tools').set(bearer(a)).expect(200);
    await request(gw.url).get('/tools').set(bearer(a)).expect(429);
    await request(gw.url).get('/tools').set(bearer(b)).expect(200);
    // A refused key is answered by the auth check before it can spend anyone's tokens.
    await request(gw.url)
      .get('/tools')
      .set(bearer(`gw_${'B'.repeat(43)}`))
      .expect(401);
  });
});

describe('limits: shared through Redis', () => {
  const prefix = `gw:test:${randomBytes(6).toString('hex')}:`;
  let a: TestGateway;
  let b: TestGateway;
  let redis: Redis;
  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
    [a, b] = [
      await startTestGateway(limits(4, REDIS_URL, prefix)),
      await startTestGateway(limits(4, REDIS_URL, prefix)),
    ];
  });
  afterAll(async () => {
    await Promise.all([a.stop(), b.stop()]);
    const stale = await redis.keys(`${prefix}*`);
    if (stale.length) await redis.del(...stale);
    redis.disconnect();
  });

  it('two gateway instances on one Redis share one limit', async () => {
    expect(a.app.get(RateLimitMiddleware).backend).toBe('redis');
    const statuses: number[] = [];
    for (const gw of [a, b, a, b, a, b]) statuses.push((await request(gw.url).get('/tools')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    const limited = await request(b.url).get('/tools').expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(14);
    expect(await redis.exists(`${prefix}ip:127.0.0.1`)).toBe(1);
  });
});

describe('limits: Redis unreachable', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(limits(5, 'redis://127.0.0.1:1'));
  });
  afterAll(() => gw.stop());

  it('falls back to memory: requests are served at once and the limit still holds', async () => {
    expect(gw.app.get(RateLimitMiddleware).backend).toBe('memory');
    const started = Date.now();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await request(gw.url).get('/tools')).status);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });
});
