import { Injectable } from '@nestjs/common';
import { RequestLogRepository } from './request-log.repository';
import type {
  FeedbackChange,
  ModelOutcomes,
  RequestLogInput,
  RuleOutcomes,
  StrategyArmMoments,
} from './request-log.types';

/**
 * request_log, one row per routed request: the recorder appends in batches, the optimizer reads outcome
 * aggregates (rewards include the callers' feedback) and records feedback. Nothing else touches the table.
 */
@Injectable()
export class RequestLogService {
  constructor(private readonly log: RequestLogRepository) {}

  /** Appends a batch; a request id already logged is skipped, so a retried flush is harmless. Returns rows added. */
  append(rows: readonly RequestLogInput[]): Promise<number> {
    return this.log.insert(rows);
  }

  /** Per (task type, model) outcomes of the requests logged in [since, until) that reached a model. */
  outcomesPerModel(since: Date, until: Date): Promise<ModelOutcomes[]> {
    return this.log.outcomesPerModel(since, until);
  }

  /** Per routing rule outcomes since `since`, with each rule's dominant task type and model. */
  outcomesPerRule(since: Date): Promise<RuleOutcomes[]> {
    return this.log.outcomesPerRule(since);
  }

  /** Reward moments (n, sum, sum of squares) per strategy arm and model, for the arms starting with `armPrefix`. */
  rewardMomentsPerArm(armPrefix: string): Promise<StrategyArmMoments[]> {
    return this.log.rewardMomentsPerArm(armPrefix);
  }

  /** Sets a request's feedback score (0-1); undefined when no logged request has this id. */
  setFeedback(requestId: string, score: number): Promise<FeedbackChange | undefined> {
    return this.log.setFeedback(requestId, score);
  }
}
