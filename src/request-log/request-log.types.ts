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
