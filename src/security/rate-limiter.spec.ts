import { randomBytes } from 'node:crypto';
import { gatewayConfigSchema } from '../config/config.schema';
import { MetricsService } from '../observability/metrics.service';
import { RateLimitMiddleware, redisUrlOf } from './rate-limit.middleware';
import { MemoryRateLimiter, RedisRateLimiter } from './rate-limiter';

const REDIS_URL = 'redis://127.0.0.1:6379';

describe('MemoryRateLimiter (token bucket)', () => {
  it('allows a burst of the per-minute limit, then refuses with the time until the next token', async () => {
    let now = 1_000_000;
    const limiter = new MemoryRateLimiter(3, () => now);
    const taken = [limiter.takeSync('k'), limiter.takeSync('k'), limiter.takeSync('k'), limiter.takeSync('k')];
    expect(taken.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(taken[2].remaining).toBe(0);
    expect(taken[3].retryAfterMs).toBe(20_000);
    expect(limiter.takeSync('other').allowed).toBe(true);
    now += 20_000;
    expect(limiter.takeSync('k').allowed).toBe(true);
    expect(limiter.takeSync('k').allowed).toBe(false);
    await limiter.close();
  });
});

describe('RedisRateLimiter', () => {
  const prefix = `gw:test:${randomBytes(4).toString('hex')}:`;
  let a: RedisRateLimiter;
  let b: RedisRateLimiter;
  beforeAll(async () => {
    a = new RedisRateLimiter({ url: REDIS_URL, perMinute: 4, keyPrefix: prefix });
    b = new RedisRateLimiter({ url: REDIS_URL, perMinute: 4, keyPrefix: prefix });
    expect(await a.waitReady(3000)).toBe(true);
    expect(await b.waitReady(3000)).toBe(true);
  });
  afterAll(async () => {
    try {
      await a.client.del(`${prefix}k`, `${prefix}solo`);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('two limiters on one Redis draw from one bucket, atomically', async () => {
    const results = await Promise.all([a.take('k'), b.take('k'), a.take('k'), b.take('k'), a.take('k'), b.take('k')]);
    expect(results.filter((r) => r.allowed)).toHaveLength(4);
    const refused = results.filter((r) => !r.allowed);
    expect(refused).toHaveLength(2);
    for (const r of refused) expect(r.retryAfterMs).toBeGreaterThan(14_000);
  });

  it('expires the bucket once it would be full again', async () => {
    await a.take('solo');
    const ttl = await a.client.pttl(`${prefix}solo`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(61_000);
  });
});

describe('RateLimitMiddleware backend choice', () => {
  it('uses REDIS_URL when the config names no Redis', () => {
    const cfg = gatewayConfigSchema.parse({});
    expect(redisUrlOf(cfg, {})).toBeUndefined();
    expect(redisUrlOf(cfg, { REDIS_URL: REDIS_URL })).toBe(REDIS_URL);
    cfg.security.rateLimit.redisUrl = 'redis://127.0.0.1:6380';
    expect(redisUrlOf(cfg, { REDIS_URL: REDIS_URL })).toBe('redis://127.0.0.1:6380');
  });

  it('falls back to memory when Redis is unreachable, without blocking or failing a request', async () => {
    const cfg = gatewayConfigSchema.parse({
      security: { rateLimit: { requestsPerMinute: 2, redisUrl: 'redis://127.0.0.1:1' } },
    });
    const limiter = new RateLimitMiddleware(cfg, new MetricsService());
    try {
      await limiter.onModuleInit();
      const started = Date.now();
      const decisions = [await limiter.take('ip:x'), await limiter.take('ip:x'), await limiter.take('ip:x')];
      expect(Date.now() - started).toBeLessThan(1000);
      expect(decisions.map((d) => d.allowed)).toEqual([true, true, false]);
      expect(limiter.backend).toBe('memory');
    } finally {
      await limiter.onModuleDestroy();
    }
  });
});
