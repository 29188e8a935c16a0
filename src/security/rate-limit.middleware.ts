import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { NextFunction, RequestHandler, Response } from 'express';
import type { Counter } from 'prom-client';
import { GATEWAY_CONFIG } from '../config/config.module';
import { GatewayConfig } from '../config/config.schema';
import { MetricsService } from '../observability/metrics.service';
import { AuthenticatedRequest, requirementFor } from '../auth/auth.middleware';
import { clientIp, doorOf, normalizePath } from '../common/http/doors';
import { writeError } from '../common/http/error-shapes';
import { RateLimitedError } from '../errors';
import { MemoryRateLimiter, RateDecision, RedisRateLimiter } from './rate-limiter';
import { redisUrlOf } from './redis-url';

export { redisUrlOf } from './redis-url';

const STARTUP_WAIT_MS = 1000;

/**
 * Per-caller rate limit (per API key, or per client IP when the gateway runs open), installed right
 * after the auth check. With a Redis URL the buckets live in Redis and are shared by every replica;
 * when Redis fails or is slow the request is counted in memory instead and the switch is logged once:
 * a Redis outage never blocks or fails a request.
 */
@Injectable()
export class RateLimitMiddleware implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('RateLimit');
  private readonly memory: MemoryRateLimiter;
  private readonly redis?: RedisRateLimiter;
  private redisHealthy = true;
  private readonly limited: Counter<string>;
  private readonly fallbacks: Counter<string>;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig, metrics: MetricsService) {
    const { requestsPerMinute, keyPrefix } = config.security.rateLimit;
    this.memory = new MemoryRateLimiter(requestsPerMinute);
    this.limited = metrics.counter(
      'gateway_rate_limited_total',
      'Requests refused with 429 by the per-caller rate limit',
    );
    this.fallbacks = metrics.counter(
      'gateway_rate_limit_fallbacks_total',
      'Rate-limit decisions made in memory because Redis failed',
    );
    const url = redisUrlOf(config);
    if (url) {
      this.redis = new RedisRateLimiter({
        url,
        perMinute: requestsPerMinute,
        keyPrefix,
        onError: (err) => this.redisFailed(err),
      });
      this.redis.client.on('ready', () => this.redisRecovered());
      this.logger.log(`rate limits are shared through Redis (${redactRedisUrl(url)})`);
    }
  }

  get backend(): 'redis' | 'memory' {
    return this.redis && this.redisHealthy ? 'redis' : 'memory';
  }

  handler(): RequestHandler {
    return (req, res, next) => {
      let pending: Promise<void> | void;
      try {
        pending = this.handle(req as AuthenticatedRequest, res, next);
      } catch (err) {
        return next(err);
      }
      if (pending) pending.catch(next);
    };
  }

  /** Gives Redis a moment to connect at start, so the first requests are already counted there. */
  async onModuleInit(): Promise<void> {
    if (this.redis && !(await this.redis.waitReady(STARTUP_WAIT_MS)))
      this.redisFailed(new Error(`not connected within ${STARTUP_WAIT_MS} ms`));
  }

  async onModuleDestroy(): Promise<void> {
    await this.memory.close();
    await this.redis?.close();
  }

  /** One token for this caller; in memory when Redis is absent or failing. */
  async take(id: string): Promise<RateDecision> {
    if (!this.redis) return this.memory.takeSync(id);
    try {
      const decision = await this.redis.take(id);
      this.redisRecovered();
      return decision;
    } catch (err) {
      this.redisFailed(err as Error);
      this.fallbacks.inc();
      return this.memory.takeSync(id);
    }
  }

  /** Synchronous with the in-memory limiter (no promise per request); a promise with Redis. */
  private handle(req: AuthenticatedRequest, res: Response, next: NextFunction): Promise<void> | void {
    const path = normalizePath(req.path);
    if (requirementFor(req.method, path).public) return next();
    const id = req.auth ? `key:${req.auth.keyId}` : `ip:${clientIp(req)}`;
    if (!this.redis) return this.apply(res, next, path, this.memory.takeSync(id));
    return this.take(id).then((decision) => this.apply(res, next, path, decision));
  }

  private apply(res: Response, next: NextFunction, path: string, decision: RateDecision): void {
    res.setHeader('x-ratelimit-limit', String(decision.limit));
    res.setHeader('x-ratelimit-remaining', String(decision.remaining));
    if (decision.allowed) return next();
    this.limited.inc();
    const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
    writeError(
      res,
      doorOf(path),
      new RateLimitedError(`rate limit of ${decision.limit} requests per minute reached; retry in ${seconds} s`, {
        code: 'rate_limit_exceeded',
        retryAfterMs: seconds * 1000,
      }),
    );
  }

  private redisFailed(err: Error): void {
    if (!this.redisHealthy) return;
    this.redisHealthy = false;
    this.logger.warn(
      `Redis is unreachable (${err.message}): rate limits fall back to this process's memory until it is back`,
    );
  }

  private redisRecovered(): void {
    if (this.redisHealthy) return;
    this.redisHealthy = true;
    this.logger.log('Redis is reachable again: rate limits are shared across replicas again');
  }
}

function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'an unparseable URL';
  }
}
