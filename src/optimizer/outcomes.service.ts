import { Inject, Injectable } from '@nestjs/common';
import { GATEWAY_CONFIG } from '../config/config.module';
import type { GatewayConfig } from '../config/config.schema';
import { RequestLogService } from '../request-log/request-log.service';
import type { FeedbackChange, ModelOutcomes, RuleOutcomes } from '../request-log/request-log.types';

/** Outcomes of one model on one task type in the window (a bandit arm). */
export type ArmRow = ModelOutcomes;

/** Outcomes of the requests one rule decided. */
export type RuleRow = RuleOutcomes;

export type { FeedbackChange };

/** Per-request reward moments of one A/B arm on one model. */
export interface ArmMoments {
  arm: string;
  model: string;
  n: number;
  reward: number;
  rewardSq: number;
}

/** The optimizer's view of request_log (through its owner): outcomes in the configured window, and feedback. */
@Injectable()
export class OutcomesService {
  constructor(
    private readonly requestLog: RequestLogService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  private since(): Date {
    return new Date(Date.now() - this.config.optimizer.windowHours * 3_600_000);
  }

  /**
   * Per (task type, model) outcomes in the window, up to (excluding) the watermark: the moment of the
   * query. A feedback on a row older than the watermark corrects a counted outcome; on a newer one it adds one.
   */
  async armStats(): Promise<{ rows: ArmRow[]; watermark: Date }> {
    const watermark = new Date();
    return { rows: await this.requestLog.outcomesPerModel(this.since(), watermark), watermark };
  }

  /** Per rule outcomes in the window (with the rule's dominant task type and model). */
  ruleStats(): Promise<RuleRow[]> {
    return this.requestLog.outcomesPerRule(this.since());
  }

  /** Reward moments per arm (A or B) and model of the requests an A/B test routed (strategy arm 'ab:<id>:<A|B>:<strategy>'). */
  async abMoments(testId: number): Promise<ArmMoments[]> {
    const groups = new Map<string, ArmMoments>();
    for (const r of await this.requestLog.rewardMomentsPerArm(`ab:${testId}:`)) {
      const arm = r.strategyArm.split(':')[2] ?? '';
      const key = JSON.stringify([arm, r.model]);
      const g = groups.get(key) ?? { arm, model: r.model, n: 0, reward: 0, rewardSq: 0 };
      g.n += r.n;
      g.reward += r.reward;
      g.rewardSq += r.rewardSq;
      groups.set(key, g);
    }
    return [...groups.values()].sort((a, b) => cmp(a.arm, b.arm) || cmp(a.model, b.model));
  }

  /** Sets a request's feedback score; undefined when no request_log row has this id. */
  setFeedback(requestId: string, score: number): Promise<FeedbackChange | undefined> {
    return this.requestLog.setFeedback(requestId, score);
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
