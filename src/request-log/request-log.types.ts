/** One routed request (request_log row). */
export interface RequestLogInput {
  id: string;
  ts: Date;
  taskType: string;
  layer: string;
  model: string;
  ruleId?: number | null;
  strategyArm?: string | null;
  tokensIn?: number;
  tokensOut?: number;
  cost?: number;
  latencyMs?: number;
  success: boolean;
  errorClass?: string | null;
  feedbackScore?: number | null;
  attempts?: number;
  stream?: boolean;
  /** Answered by the response cache (cost 0, no model call): left out of every outcome aggregate. */
  cached?: boolean;
  /** The client's own x-request-id (the row's id is made by the gateway). */
  clientRequestId?: string | null;
}

/**
 * The reward of a request: 0 for a failure, else the caller's feedback score (0-1), 1 without feedback.
 * Sums below are sums of rewards.
 */
export interface ModelOutcomes {
  taskType: string;
  model: string;
  n: number;
  reward: number;
  latencyMs: number;
  costSum: number;
}

/** Outcomes of the requests one routing rule decided. */
export interface RuleOutcomes {
  ruleId: number;
  n: number;
  reward: number;
  latencyMs: number;
  costSum: number;
  /** The task type and the model most of its requests had. */
  taskType: string;
  model: string;
}

/** Per-request reward moments of one strategy arm on one model. */
export interface StrategyArmMoments {
  strategyArm: string;
  model: string;
  n: number;
  reward: number;
  rewardSq: number;
}

/** What a feedback changed on a logged request. */
export interface FeedbackChange {
  requestId: string;
  taskType: string;
  model: string;
  success: boolean;
  ts: Date;
  previous: number | null;
  score: number;
}

/** What request_log keeps of one routed request: the recorder's record and a stored row both carry it. */
export interface RequestOutcome {
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
}

/** A request_log row as read back (stored redacted: no prompt, answer or key). */
export interface LoggedRequest extends RequestOutcome {
  id: string;
  ts: Date;
  feedbackScore: number | null;
}

/** Filters of a request_log page; every one optional. */
export interface RequestLogFilter {
  since?: Date;
  until?: Date;
  model?: string;
  layer?: string;
  taskType?: string;
  success?: boolean;
}

export type UsageGroup = 'none' | 'model' | 'layer';

/** Traffic of one group (model, layer or 'all') in one time bucket. */
export interface UsageBucket {
  key: string;
  start: Date;
  requests: number;
  successes: number;
  /** Over the answered requests; null when none was answered. */
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
  costUsd: number;
  tokensIn: number;
  tokensOut: number;
}

export interface UsageTotals {
  requests: number;
  successes: number;
  costUsd: number;
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
}

/** Quality of one model in one time bucket: call success, caller feedback, judge scores (null when none). */
export interface QualityBucket {
  model: string;
  start: Date;
  requests: number;
  successes: number;
  caller: { mean: number; n: number } | null;
  judge: { mean: number; n: number } | null;
}
