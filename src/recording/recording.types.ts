import type { ChatMessage } from '@ai-mcp-gateway/provider-sdk';
import type { RequestOutcome } from '../request-log/request-log.types';

/** One call to one model (an attempt): feeds model_performance. */
export interface ModelCall {
  modelId: string;
  success: boolean;
  latencyMs: number;
  cost: number;
}

/** One routed request: one request_log row, its model calls, its metrics. */
export interface RequestRecord extends RequestOutcome {
  id: string;
  /** The client's own x-request-id, when it sent one. */
  clientRequestId?: string | null;
  /** Epoch milliseconds. */
  ts: number;
  calls: readonly ModelCall[];
  /** Answered by the response cache: not an outcome of the model. */
  cached?: boolean;
}

/** What the request looked like, for the regression test's replay (redacted when it is written). */
export interface RequestSnapshot {
  model: string;
  messages: readonly ChatMessage[];
  params: Record<string, unknown>;
  stream: boolean;
}

/** A failed attempt ('attempt') or a failed request ('request'). */
export interface FailureRecord {
  scope: 'attempt' | 'request';
  requestId: string;
  ts: number;
  /** ProviderError kind for attempts; the gateway's error code for requests. */
  kind: string;
  message: string;
  model: string | null;
  provider: string | null;
  status?: number;
  taskType: string;
  layer: string;
  ruleId: number | null;
  snapshot: RequestSnapshot;
}
