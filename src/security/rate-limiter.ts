import Redis from 'ioredis';
import { backoffDelay } from '../common/backoff';

export interface RateDecision {
  allowed: boolean;
  limit: number;
  /** Whole tokens left after this request. */
  remaining: number;
  /** When refused: how long until one request is allowed again. */
  retryAfterMs: number;
}

export interface RateLimiter {
  take(id: string): Promise<RateDecision>;
  close(): Promise<void>;
}

interface Bucket {
  tokens: number;
  at: number;
}

const SWEEP_MS = 60_000;

/**
 * Token bucket per caller: `perMinute` requests of burst, refilled continuously at perMinute/60 s.
 * In this process only; entries of callers idle long enough to be full again are swept.
 */
export class MemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly msPerToken: number;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {
    this.msPerToken = 60_000 / perMinute;
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }

  takeSync(id: string): RateDecision {
    const now = this.now();
    const bucket = this.buckets.get(id) ?? { tokens: this.perMinute, at: now };
    const tokens = Math.min(this.perMinute, bucket.tokens + Math.max(0, now - bucket.at) / this.msPerToken);
    const allowed = tokens >= 1;
    const left = allowed ? tokens - 1 : tokens;
    this.buckets.set(id, { tokens: left, at: now });
    return {
      allowed,
      limit: this.perMinute,
      remaining: Math.floor(left),
      retryAfterMs: allowed ? 0 : Math.ceil((1 - left) * this.msPerToken),
    };
  }

  take(id: string): Promise<RateDecision> {
    return Promise.resolve(this.takeSync(id));
  }

  close(): Promise<void> {
    clearInterval(this.sweeper);
    this.buckets.clear();
    return Promise.resolve();
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, b] of this.buckets)
      if (b.tokens + (now - b.at) / this.msPerToken >= this.perMinute) this.buckets.delete(id);
  }
}

/**
 * The same token bucket, kept in Redis so that every replica draws from one bucket per caller.
 * One Lua script reads, refills, takes and writes atomically, on the Redis server's clock.
 */
const TOKEN_BUCKET_LUA = `
local capacity = tonumber(ARGV[1])
local ms_per_token = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then tokens = capacity; at = now end
tokens = math.min(capacity, tokens + math.max(0, now - at) / ms_per_token)
local allowed = 0
local retry = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  retry = math.ceil((1 - tokens) * ms_per_token)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity * ms_per_token) + 1000)
return {allowed, math.floor(tokens), retry}
`;

type TokenBucketRedis = Redis & {
  gatewayTokenBucket(key: string, capacity: number, msPerToken: number): Promise<[number, number, number]>;
};

export interface RedisLimiterOptions {
  url: string;
  perMinute: number;
  keyPrefix: string;
  /** A Redis answer slower than this counts as a failure (the caller falls back to memory). */
  commandTimeoutMs?: number;
  onError?: (err: Error) => void;
}

export class RedisRateLimiter implements RateLimiter {
  readonly client: TokenBucketRedis;
  private readonly msPerToken: number;

  constructor(private readonly opts: RedisLimiterOptions) {
    this.msPerToken = 60_000 / opts.perMinute;
    this.client = new Redis(opts.url, {
      lazyConnect: false,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 1000,
      // ioredis waits this long for a socket that may already be gone when closing; keep shutdown quick.
      disconnectTimeout: 100,
      commandTimeout: opts.commandTimeoutMs ?? 250,
      retryStrategy: (times) => backoffDelay(times, { baseMs: 200, maxMs: 5000, jitter: 'none' }),
    }) as TokenBucketRedis;
    this.client.on('error', (err) => opts.onError?.(err));
    this.client.defineCommand('gatewayTokenBucket', { numberOfKeys: 1, lua: TOKEN_BUCKET_LUA });
  }

  get ready(): boolean {
    return this.client.status === 'ready';
  }

  /** Resolves true once connected, false after the timeout (requests fail over to memory meanwhile). */
  waitReady(timeoutMs: number): Promise<boolean> {
    if (this.ready) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.client.off('ready', onReady);
        resolve(ok);
      };
      const onReady = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.client.on('ready', onReady);
    });
  }

  async take(id: string): Promise<RateDecision> {
    const [allowed, remaining, retryAfterMs] = await this.client.gatewayTokenBucket(
      `${this.opts.keyPrefix}${id}`,
      this.opts.perMinute,
      this.msPerToken,
    );
    return { allowed: allowed === 1, limit: this.opts.perMinute, remaining, retryAfterMs };
  }

  close(): Promise<void> {
    this.client.disconnect();
    return Promise.resolve();
  }
}
