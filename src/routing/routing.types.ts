import type { ClientLink } from './attempt-scope';
import type { RequestTrace } from '../observability/tracing/request-trace';
import type { ChatMessage, ChatRequest, ChatResponse, TokenUsage } from '@ai-mcp-gateway/provider-sdk';
import type { LayerName } from '../config/config.schema';
import type { MatchedRule } from '../heuristics/rule-matcher';
import type { CatalogueModel } from '../providers/model-catalogue';
import type { CacheDirective } from '../response-cache/cache-key';
import type { RequestSize } from './classifier';

/** Sampling and tool parameters passed through to the provider. */
export type ChatParams = Omit<ChatRequest, 'model' | 'messages' | 'hints'>;

/** Who sent a request, as the door knows it: its key (budgets) and its own request id. */
export type Caller = Pick<RouteRequest, 'keyId' | 'clientRequestId'>;

export interface RouteRequest {
  /** The gateway-made request id: the request_log id (the client's x-request-id is clientRequestId). */
  requestId: string;
  /** `auto`, a layer name (fast, balanced, deep) or a model id of the catalogue. */
  model: string;
  messages: ChatMessage[];
  params: ChatParams;
  /** Skips the classifier's task type. */
  taskType?: string;
  /** The request's quality floor (header x-gateway-quality-floor, 0..1), overriding optimizer.objective's. */
  qualityFloor?: number;
  stream: boolean;
  /** Aborts when the client goes away (an AbortSignal, or the cheaper ClientLink of the HTTP door). */
  signal?: AbortSignal | ClientLink;
  /** Response cache options from the door (its caller and headers); unset (MCP, the CLI): not cached. */
  cache?: RequestCacheOptions;
  /** The API key that sent it (its budget is charged); undefined for a caller without a key (the global budget). */
  keyId?: number;
  /** The client's own x-request-id, kept beside the gateway-made requestId. */
  clientRequestId?: string;
  /** The request's spans, while OpenTelemetry tracing is on (set by the router's decide). */
  trace?: RequestTrace;
}

export interface RequestCacheOptions {
  /** Whose answers these are: the API key id, or `open` without keys. */
  scope: string;
  directive: CacheDirective;
  /** performance.now() when the request arrived (a hit's latency). */
  startedAt: number;
  /** Set by the router: the key, or null when the request is not cacheable. */
  key?: string | null;
}

export interface RouteDecision {
  requestId: string;
  requested: string;
  taskType: string;
  size: RequestSize;
  promptTokens: number;
  /** The layer chosen first (escalation may end in a higher one). */
  layer: LayerName;
  rule: MatchedRule | null;
  /** Why this layer: a rule, the classifier, the learned policy (ModelPolicy.choose), the requested layer or the requested model. */
  reason: 'rule' | 'classifier' | 'policy' | 'layer' | 'model';
  /** The routing strategy (or A/B test arm) that decided, as recorded in request_log.strategy_arm. */
  strategyArm: string | null;
  /** The learned policy's objective that decided (x-gateway-objective), when the policy decided. */
  objective?: string;
  /** In order of trial: the layer's ranked models, then (when escalating) the next layers'. */
  candidates: readonly CatalogueModel[];
  /** USD, for the first candidate, before the call. */
  estimatedCost: number;
  /** Microseconds the decision took. */
  decisionUs: number;
}

export interface RouteResult {
  decision: RouteDecision;
  model: CatalogueModel;
  response: ChatResponse;
  usage: TokenUsage;
  attempts: number;
  /** USD, exact, from the reported usage. */
  cost: number;
  latencyMs: number;
  /** Answered by the response cache (no model was called). */
  cached?: boolean;
}
