import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type { ChatResponse } from '@ai-mcp-gateway/provider-sdk';
import { GATEWAY_CONFIG } from '../config/config.module';
import type { GatewayConfig } from '../config/config.schema';
import { MetricsService } from '../observability/metrics.service';
import { CacheableRequest, cacheKey, CacheDirective } from './cache-key';
import { MemoryStore } from './memory-store';
import { RedisStore } from './redis-store';

export { replayDeltas, StreamAssembler } from './stream-replay';

/** Where answers are kept: this process's memory, or Redis shared by the replicas. */
type Store = Pick<MemoryStore<CachedAnswer>, 'get' | 'set'> | RedisStore<CachedAnswer>;

/** At most one log line per this interval while the shared store fails. */
const FAILURE_LOG_MS = 10_000;

/** A kept answer: the model that gave it and what it said (no upstream id, no provider metadata). */
export interface CachedAnswer {
  modelId: string;
  response: ChatResponse;
}

/** A request as the cache sees it: its normalised parts, its temperature and the door's directive. */
export interface CacheQuery extends CacheableRequest {
  temperature?: number;
  directive: CacheDirective;
}

/**
 * Exact-match answers of deterministic chat requests, per caller. A request is looked up and kept only
 * when the cache is on, the door did not say no-cache, and the request is deterministic: temperature 0,
 * or the caller asked with `x-gateway-cache: use`. Only successful, complete answers are kept.
 */
@Injectable()
export class ResponseCacheService implements OnModuleDestroy {
  private readonly logger = new Logger('ResponseCache');
  private store: Store;
  private readonly hits;
  private readonly misses;
  private lastFailureLog = 0;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    metrics: MetricsService,
  ) {
    this.store = this.open();
    this.hits = metrics.counter('gateway_cache_hits_total', 'Chat requests answered from the response cache', []);
    this.misses = metrics.counter('gateway_cache_misses_total', 'Cacheable chat requests the cache did not hold', []);
  }

  /** The key of a cacheable request; undefined when this request is not to be cached. */
  keyOf(query: CacheQuery): string | undefined {
    if (!this.config.cache.enabled || query.directive === 'skip') return undefined;
    if (query.directive !== 'use' && query.temperature !== 0) return undefined;
    return cacheKey(query);
  }

  /** The kept answer, or undefined (a store that fails or is slow is a miss). */
  async lookup(key: string): Promise<CachedAnswer | undefined> {
    let hit: CachedAnswer | undefined;
    try {
      hit = await this.store.get(key);
    } catch (err) {
      this.failed(err as Error);
    }
    if (hit) this.hits.inc();
    else this.misses.inc();
    return hit;
  }

  /** Keeps a complete answer (a cut or filtered one is not worth serving again). */
  keep(key: string, modelId: string, response: ChatResponse): void {
    if (response.finishReason === 'content_filter') return;
    const { id: _id, providerMetadata: _meta, ...kept } = response;
    const entry = { modelId, response: structuredClone(kept) };
    void Promise.resolve(this.store.set(key, entry)).catch((err: Error) => this.failed(err));
  }

  /** Which store answers: memory, or Redis (cache.redisUrl, else REDIS_URL). */
  get backend(): 'memory' | 'redis' {
    return this.store instanceof RedisStore ? 'redis' : 'memory';
  }

  /** False while a shared store is not connected (lookups are misses meanwhile). */
  get ready(): boolean {
    return !(this.store instanceof RedisStore) || this.store.ready;
  }

  /** After a config reload: the store of the new settings (in memory: empty, as models and prices changed). */
  reloaded(): void {
    this.close();
    this.store = this.open();
  }

  onModuleDestroy(): void {
    this.close();
  }

  private open(): Store {
    const { cache } = this.config;
    const url = cache.redisUrl ?? (process.env.REDIS_URL?.trim() || undefined);
    if (!url) return new MemoryStore(cache.maxEntries, cache.ttlSeconds * 1000);
    return new RedisStore<CachedAnswer>(url, cache.keyPrefix, cache.ttlSeconds * 1000, (err) => this.failed(err));
  }

  private close(): void {
    if (this.store instanceof RedisStore) this.store.close();
  }

  private failed(err: Error): void {
    if (Date.now() - this.lastFailureLog < FAILURE_LOG_MS) return;
    this.lastFailureLog = Date.now();
    this.logger.warn(`the shared response cache (Redis) failed: ${err.message}; requests go to the models meanwhile`);
  }
}
