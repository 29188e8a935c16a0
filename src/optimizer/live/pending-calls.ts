import type { Decision, RequestFeatures, Reward } from '../learning';

/** What the learner keeps of one call until its outcome and grades have arrived. */
export interface PendingCall {
  request: RequestFeatures;
  decision?: Decision;
  /** The model that answered (set by the outcome). */
  model?: string;
  /** The prior the decision used for that model. */
  prior?: number;
  /** What the learner took from the call so far (a later grade relabels it). */
  learned?: Reward;
  feedback?: number;
  judge?: number;
}

/**
 * Calls awaiting outcomes and grades, by request id: bounded (the oldest are forgotten first), so memory
 * stays flat whatever the traffic. A grade of a forgotten call is not learned by the learner (the
 * task-type bandit still counts it from request_log).
 */
export class PendingCalls {
  private readonly calls = new Map<string, PendingCall>();

  constructor(private readonly max = 20000) {}

  set(requestId: string, call: PendingCall): void {
    this.calls.delete(requestId);
    this.calls.set(requestId, call);
    if (this.calls.size > this.max) {
      const oldest = this.calls.keys().next().value;
      if (oldest !== undefined) this.calls.delete(oldest);
    }
  }

  get(requestId: string): PendingCall | undefined {
    return this.calls.get(requestId);
  }

  get size(): number {
    return this.calls.size;
  }
}
