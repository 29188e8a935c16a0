import type { ChatMessage } from '@ai-mcp-gateway/provider-sdk';

/** One call to one model (an attempt): feeds model_performance. */
export interface ModelCall {
  modelId: string;
  success: boolean;
  latencyMs: number;
  cost: number;
}

/** One routed request: one request_log row, its model calls, its metrics. */
export interface RequestRecord {
  id: string;
  /** The client's own x-request-id, when it sent one. */
  clientRequestId?: string | null;
  /** Epoch milliseconds. */
  ts: number;
  taskType: string;
  layer: string;
  /** The model that answered, or the last one tried ('none' when nothing was tried). */
  model: string;
  ruleId: number | null;
  strategyArm: string | null;
  tokensIn: number;
  tokensOut: number;
  cost: number;
  latencyMs: number;
  success: boolean;
  errorClass: string | null;
  attempts: number;
  stream: boolean;
  calls: readonly ModelCall[];
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
