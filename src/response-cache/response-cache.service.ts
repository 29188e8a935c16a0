import { Inject, Injectable } from '@nestjs/common';
import type { ChatDelta, ChatResponse, FinishReason, TokenUsage, ToolCall } from '@ai-mcp-gateway/provider-sdk';
import { GATEWAY_CONFIG } from '../config/config.module';
import type { GatewayConfig } from '../config/config.schema';
import { MetricsService } from '../observability/metrics.service';
import { CacheableRequest, cacheKey, CacheDirective } from './cache-key';
import { MemoryStore } from './memory-store';

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
export class ResponseCacheService {
  private store: MemoryStore<CachedAnswer>;
  private readonly hits;
  private readonly misses;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    metrics: MetricsService,
  ) {
    this.store = new MemoryStore(config.cache.maxEntries, config.cache.ttlSeconds * 1000);
    this.hits = metrics.counter('gateway_cache_hits_total', 'Chat requests answered from the response cache', []);
    this.misses = metrics.counter('gateway_cache_misses_total', 'Cacheable chat requests the cache did not hold', []);
  }

  /** The key of a cacheable request; undefined when this request is not to be cached. */
  keyOf(query: CacheQuery): string | undefined {
    if (!this.config.cache.enabled || query.directive === 'skip') return undefined;
    if (query.directive !== 'use' && query.temperature !== 0) return undefined;
    return cacheKey(query);
  }

  lookup(key: string): CachedAnswer | undefined {
    const hit = this.store.get(key);
    if (hit) this.hits.inc();
    else this.misses.inc();
    return hit;
  }

  /** Keeps a complete answer (a cut or filtered one is not worth serving again). */
  keep(key: string, modelId: string, response: ChatResponse): void {
    if (response.finishReason === 'content_filter') return;
    const { id: _id, providerMetadata: _meta, ...kept } = response;
    this.store.set(key, { modelId, response: structuredClone(kept) });
  }

  get size(): number {
    return this.store.size;
  }

  /** After a config reload: an empty store of the new size and time to live (models and prices changed). */
  reloaded(): void {
    this.store = new MemoryStore(this.config.cache.maxEntries, this.config.cache.ttlSeconds * 1000);
  }
}

/** Assembles a streamed answer from its deltas, to keep it once the stream ended well. */
export class StreamAssembler {
  private content = '';
  private readonly calls: ToolCall[] = [];
  private finish?: FinishReason;
  private stopSequence?: string;
  private usage?: TokenUsage;

  add(delta: ChatDelta): void {
    if (delta.content) this.content += delta.content;
    for (const t of delta.toolCalls ?? []) {
      const call = (this.calls[t.index] ??= { id: '', type: 'function', function: { name: '', arguments: '' } });
      if (t.id) call.id = t.id;
      if (t.function?.name) call.function.name += t.function.name;
      if (t.function?.arguments) call.function.arguments += t.function.arguments;
    }
    if (delta.finishReason) this.finish = delta.finishReason;
    if (delta.stopSequence) this.stopSequence = delta.stopSequence;
    if (delta.usage) this.usage = delta.usage;
  }

  /** The answer, or undefined when the stream never said how it finished. */
  response(model: string, usage: TokenUsage): ChatResponse | undefined {
    if (!this.finish) return undefined;
    const out: ChatResponse = {
      model,
      content: this.content || null,
      finishReason: this.finish,
      usage: this.usage ?? usage,
    };
    const calls = this.calls.filter((c) => c !== undefined);
    if (calls.length > 0) out.toolCalls = calls;
    if (this.stopSequence) out.stopSequence = this.stopSequence;
    return out;
  }
}

/** A kept answer as a stream: its text in pieces, its tool calls, then the finish with the usage. */
export function* replayDeltas(response: ChatResponse, pieceChars = 64): Generator<ChatDelta> {
  const text = response.content ?? '';
  for (let i = 0; i < text.length; i += pieceChars) yield { content: text.slice(i, i + pieceChars) };
  if (response.toolCalls?.length)
    yield {
      toolCalls: response.toolCalls.map((c, index) => ({
        index,
        id: c.id,
        type: 'function',
        function: { ...c.function },
      })),
    };
  const last: ChatDelta = { finishReason: response.finishReason, usage: response.usage };
  if (response.stopSequence) last.stopSequence = response.stopSequence;
  yield last;
}
