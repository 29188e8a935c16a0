import { Injectable } from '@nestjs/common';
import type { ChatDelta, ChatResponse, TokenUsage } from '@ai-mcp-gateway/provider-sdk';
import { ModelCatalogue, type CatalogueModel } from '../providers/model-catalogue';
import { ResponseCacheService, StreamAssembler, replayDeltas } from '../response-cache/response-cache.service';
import { OutcomeReporter, type StreamOutcome } from './outcome-reporter';
import type { RouteDecision, RouteRequest, RouteResult } from './routing.types';

/** What the doors read from a stream, whether it comes from a model or from the cache. */
export interface ChatSession {
  readonly model: CatalogueModel;
  readonly cached: boolean;
  outcome?: StreamOutcome;
  deltas(): AsyncGenerator<ChatDelta>;
}

/** Collects a live stream's deltas; keeps the answer when the stream ended well. */
export interface StreamKeeper {
  add(delta: ChatDelta): void;
  done(usage: TokenUsage): void;
}

/**
 * The router's side of the response cache: a hit answers without a model call and is recorded as
 * cached (cost 0, no model call, so never an outcome of the model); a success is kept for next time.
 */
@Injectable()
export class CachedAnswers {
  constructor(
    private readonly cache: ResponseCacheService,
    private readonly catalogue: ModelCatalogue,
    private readonly outcomes: OutcomeReporter,
  ) {}

  /** A non-streaming answer from the cache, recorded; undefined on a miss or for an uncacheable request. */
  async answer(req: RouteRequest, d: RouteDecision): Promise<RouteResult | undefined> {
    const hit = await this.hit(req);
    if (!hit) return undefined;
    const latencyMs = this.record(d, req, hit.model, hit.response.usage, false);
    const response = structuredClone(hit.response);
    return {
      decision: d,
      model: hit.model,
      response,
      usage: response.usage,
      attempts: 0,
      cost: 0,
      latencyMs,
      cached: true,
    };
  }

  /** A stream replayed from the cache, recorded when it has been read; undefined on a miss. */
  async replay(req: RouteRequest, d: RouteDecision): Promise<ChatSession | undefined> {
    const hit = await this.hit(req);
    if (!hit) return undefined;
    const record = (usage: TokenUsage) => this.record(d, req, hit.model, usage, true);
    return new ReplaySession(hit.model, hit.response, record);
  }

  /** Keeps a successful non-streaming answer of a cacheable request. */
  keep(req: RouteRequest, model: CatalogueModel, response: ChatResponse): void {
    const key = this.keyOf(req);
    if (key) this.cache.keep(key, model.id, response);
  }

  /** A keeper for a live stream of a cacheable request; undefined when it is not to be kept. */
  keeper(req: RouteRequest, model: CatalogueModel): StreamKeeper | undefined {
    const key = this.keyOf(req);
    if (!key) return undefined;
    const assembler = new StreamAssembler();
    return {
      add: (delta) => assembler.add(delta),
      done: (usage) => {
        const response = assembler.response(model.upstreamModel, usage);
        if (response) this.cache.keep(key, model.id, response);
      },
    };
  }

  private async hit(req: RouteRequest): Promise<{ model: CatalogueModel; response: ChatResponse } | undefined> {
    const key = this.keyOf(req);
    const hit = key ? await this.cache.lookup(key) : undefined;
    const model = hit ? this.catalogue.get(hit.modelId) : undefined;
    return hit && model ? { model, response: hit.response } : undefined;
  }

  /** The request's cache key, computed once; undefined when the door set no cache options or it is not cacheable. */
  private keyOf(req: RouteRequest): string | undefined {
    const c = req.cache;
    if (!c) return undefined;
    if (c.key === undefined) {
      // Spelled out: a spread followed by properties gives each object its own V8 hidden class (see OutcomeReporter.row).
      const query = {
        scope: c.scope,
        directive: c.directive,
        model: req.model,
        messages: req.messages,
        params: req.params,
        taskType: req.taskType,
        temperature: req.params.temperature,
      };
      c.key = this.cache.keyOf(query) ?? null;
    }
    return c.key ?? undefined;
  }

  private record(
    d: RouteDecision,
    req: RouteRequest,
    model: CatalogueModel,
    usage: TokenUsage,
    stream: boolean,
  ): number {
    const latencyMs = performance.now() - (req.cache?.startedAt ?? performance.now());
    this.outcomes.cached(d, req, model, usage, latencyMs, stream);
    return latencyMs;
  }
}

class ReplaySession implements ChatSession {
  readonly cached = true;
  outcome?: StreamOutcome;

  constructor(
    readonly model: CatalogueModel,
    private readonly response: ChatResponse,
    private readonly onEnd: (usage: TokenUsage) => number,
  ) {}

  // The same async generator as a live session's, for the doors; a replay has nothing to wait for.
  // eslint-disable-next-line @typescript-eslint/require-await
  async *deltas(): AsyncGenerator<ChatDelta> {
    yield* replayDeltas(this.response);
    const usage = this.response.usage;
    this.outcome = { success: true, errorClass: null, usage, cost: 0, latencyMs: this.onEnd(usage) };
  }
}
