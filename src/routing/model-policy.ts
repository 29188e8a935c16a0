import { Inject, Injectable } from '@nestjs/common';
import type { ChatMessage } from '@ai-mcp-gateway/provider-sdk';
import { GATEWAY_CONFIG } from '../config/config.module';
import type { GatewayConfig, LayerName } from '../config/config.schema';
import type { CatalogueModel } from '../providers/model-catalogue';
import { PerformanceSnapshot } from './performance-snapshot';

/**
 * Orders the candidate models of a layer for a task type, best first. Called on every routed request:
 * it must be synchronous, allocation-light and never touch the database.
 */
export interface ModelPolicy {
  rank(taskType: string, layer: LayerName, candidates: readonly CatalogueModel[]): readonly CatalogueModel[];
  /**
   * Optional: for an `auto` request that no rule matched, where to go instead of the classifier's layer
   * (a learned policy choosing across layers, or the arm of an A/B test). Same rules as rank(): synchronous, no I/O.
   */
  choose?(taskType: string, layer: LayerName, requestId: string, context?: PolicyContext): PolicyChoice;
  /**
   * Optional: a routed request's outcome, as it is recorded (off the response path; must not throw or wait).
   * The learned policy learns from it at once and may have the answer graded by its judge.
   */
  observe?(outcome: PolicyOutcome): void;
  /**
   * Optional: what choose() and rank() rest on, for explain_route and the console, without side effects
   * (no random draw, nothing changed): the strategy, where the policy's expectation sends the request, and
   * each model's estimate.
   */
  explain?(taskType: string, layer: LayerName, requestId: string): PolicyExplanation;
}

/** One model's estimated reward (0-1) on a task type: posterior mean and credible interval, with its utility. */
export interface PolicyEstimate {
  mean: number;
  lower: number;
  upper: number;
  n: number;
  utility: number;
}

/** The policy's side of a decision, as explain() reports it. */
export interface PolicyExplanation {
  /** learned, greedy, static or cheapest: the strategy this request gets. */
  strategy: string;
  arm: string | null;
  warm: boolean;
  /** The layer and model the policy's expectation prefers (no model: the layer's ranking decides). */
  layer: LayerName;
  model?: string;
  /** Why, in a few words (e.g. the draw the learned strategy makes around this expectation). */
  note: string;
  estimates: ReadonlyMap<string, PolicyEstimate>;
  /** The objective the learned policy decides by (as the x-gateway-objective header says it). */
  objective?: string;
}

/** A policy's decision for one request: the layer, optionally the model to try first, and the strategy arm to record. */
export interface PolicyChoice {
  layer: LayerName;
  model?: string;
  arm: string | null;
  /** The objective that decided, for the x-gateway-objective header (e.g. `quality-floor=0.95`). */
  objective?: string;
}

/** What a policy may read of the request itself (choose() must not keep references beyond the request). */
export interface PolicyContext {
  messages: readonly ChatMessage[];
  promptTokens: number;
  maxTokens?: number;
  /** The request's own quality floor (header x-gateway-quality-floor), overriding the config's. */
  qualityFloor?: number;
  /** The caller has spent budgets.nearLimit.share of a budget: route it more cheaply. */
  nearBudget?: boolean;
}

/** A routed request's end, as the policy learns from it. */
export interface PolicyOutcome {
  requestId: string;
  taskType: string;
  /** The model that answered, or the last one tried. */
  model: string;
  success: boolean;
  /** The gateway's error code when it got no answer (client_closed, upstream_timeout, circuit_open, ...). */
  errorClass: string | null;
  /** Attempts that failed before the end (retries, fallbacks): the model and the provider's error kind. */
  failedAttempts?: ReadonlyArray<{ model: string; kind: string }>;
  /** How the answer ended (`length`: cut at the token budget). */
  finishReason?: string;
  /** The answer's text, when the request was not streamed (what a judge grades). */
  answer?: string;
  messages: readonly ChatMessage[];
}

/** What the router injects. RoutingModule binds it to LEARNED_MODEL_POLICY when some module provides one, else to the default. */
export const MODEL_POLICY = Symbol('MODEL_POLICY');
/** Optional override: a @Global module (the optimizer) that provides this token replaces the default policy. */
export const LEARNED_MODEL_POLICY = Symbol('LEARNED_MODEL_POLICY');

/** Pseudo-observations of the prior: a model needs about this many calls before its record outweighs it. */
const PRIOR_WEIGHT = 10;
const PRIOR_STRONG = 0.9;
const PRIOR_DEFAULT = 0.8;

/**
 * The default: posterior mean success rate (model_performance with a Beta prior that favours the
 * model's configured strengths) minus optimizer.costWeight times its price relative to the dearest
 * candidate; ties keep the config order. Rankings are cached per (task type, layer) until the
 * performance snapshot changes.
 */
@Injectable()
export class DefaultModelPolicy implements ModelPolicy {
  private readonly cache = new Map<
    string,
    { version: number; input: readonly CatalogueModel[]; ranked: readonly CatalogueModel[] }
  >();
  private readonly costWeight: number;

  constructor(
    private readonly snapshot: PerformanceSnapshot,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.costWeight = config.optimizer.costWeight;
  }

  rank(taskType: string, layer: LayerName, candidates: readonly CatalogueModel[]): readonly CatalogueModel[] {
    if (candidates.length < 2) return candidates;
    const key = `${layer}|${taskType}`;
    const hit = this.cache.get(key);
    if (hit && hit.version === this.snapshot.version && hit.input === candidates) return hit.ranked;
    const ranked = this.compute(taskType, candidates);
    this.cache.set(key, { version: this.snapshot.version, input: candidates, ranked });
    return ranked;
  }

  /** The score the ranking sorts by (exposed for tests and diagnostics). */
  score(taskType: string, model: CatalogueModel, maxPrice: number): number {
    const stats = this.snapshot.get(model.id, taskType);
    const prior = model.strengths.includes(taskType) ? PRIOR_STRONG : PRIOR_DEFAULT;
    const success = ((stats?.successes ?? 0) + PRIOR_WEIGHT * prior) / ((stats?.calls ?? 0) + PRIOR_WEIGHT);
    const price = model.price.input + model.price.output;
    return success - (maxPrice > 0 ? (this.costWeight * price) / maxPrice : 0);
  }

  private compute(taskType: string, candidates: readonly CatalogueModel[]): readonly CatalogueModel[] {
    let maxPrice = 0;
    for (const m of candidates) maxPrice = Math.max(maxPrice, m.price.input + m.price.output);
    const scored = candidates.map((m) => ({ m, s: this.score(taskType, m, maxPrice) }));
    scored.sort((a, b) => b.s - a.s || a.m.order - b.m.order);
    return Object.freeze(scored.map((x) => x.m));
  }
}
