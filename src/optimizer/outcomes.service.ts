import { Inject, Injectable } from '@nestjs/common';
import { GATEWAY_CONFIG } from '../config/config.module';
import type { GatewayConfig } from '../config/config.schema';
import { DatabaseService } from '../database/database.service';
import { queryRows } from '../database/query';

/** Outcomes of one model on one task type in the window. */
export interface ArmRow {
  taskType: string;
  model: string;
  n: number;
  /** Sum of rewards: success times the feedback score (1 without feedback). */
  reward: number;
  latencyMs: number;
  costSum: number;
}

/** Outcomes of the requests one rule decided. */
export interface RuleRow {
  ruleId: number;
  n: number;
  reward: number;
  latencyMs: number;
  costSum: number;
  /** The task type and the model most of its requests had. */
  taskType: string;
  model: string;
}

/** Per-request reward moments of one A/B arm on one model. */
export interface ArmMoments {
  arm: string;
  model: string;
  n: number;
  reward: number;
  rewardSq: number;
}

/** What a feedback changed, for the online update of the policy. */
export interface FeedbackChange {
  requestId: string;
  taskType: string;
  model: string;
  success: boolean;
  ts: Date;
  previous: number | null;
  score: number;
}

/** The reward of one request_log row, in SQL. */
const REWARD = 'case when success then coalesce(feedback_score, 1) else 0 end';

/** The optimizer's reads of request_log (aggregates in SQL) and the feedback write. */
@Injectable()
export class OutcomesService {
  constructor(
    private readonly db: DatabaseService,
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
    const rows = await queryRows<Record<string, string | number>>(
      this.db.fork(),
      `select task_type, model, count(*)::float8 as n, sum(${REWARD})::float8 as reward, sum(latency_ms)::float8 as latency, sum(cost)::float8 as cost
       from request_log where ts >= ? and ts < ? and model <> 'none' group by task_type, model order by task_type, model`,
      [this.since(), watermark],
    );
    return {
      rows: rows.map((r) => ({
        taskType: String(r.task_type),
        model: String(r.model),
        n: Number(r.n),
        reward: Number(r.reward),
        latencyMs: Number(r.latency),
        costSum: Number(r.cost),
      })),
      watermark,
    };
  }

  /** Per rule outcomes in the window (with the rule's dominant task type and model). */
  async ruleStats(): Promise<RuleRow[]> {
    const rows = await queryRows<Record<string, string | number>>(
      this.db.fork(),
      `with r as (select * from request_log where ts >= ? and rule_id is not null),
        totals as (select rule_id, count(*)::float8 as n, sum(${REWARD})::float8 as reward, sum(latency_ms)::float8 as latency, sum(cost)::float8 as cost from r group by rule_id),
        modes as (select distinct on (rule_id) rule_id, task_type, model from r group by rule_id, task_type, model order by rule_id, count(*) desc, task_type, model)
       select t.*, m.task_type, m.model from totals t join modes m using (rule_id) order by t.rule_id`,
      [this.since()],
    );
    return rows.map((r) => ({
      ruleId: Number(r.rule_id),
      n: Number(r.n),
      reward: Number(r.reward),
      latencyMs: Number(r.latency),
      costSum: Number(r.cost),
      taskType: String(r.task_type),
      model: String(r.model),
    }));
  }

  /** Reward moments per arm and model of the requests an A/B test routed (strategy_arm 'ab:<id>:<A|B>:...'). */
  async abMoments(testId: number): Promise<ArmMoments[]> {
    const rows = await queryRows<Record<string, string | number>>(
      this.db.fork(),
      `select split_part(strategy_arm, ':', 3) as arm, model, count(*)::float8 as n, sum(${REWARD})::float8 as reward,
        sum((${REWARD}) * (${REWARD}))::float8 as reward_sq
       from request_log where strategy_arm like ? group by 1, model order by 1, model`,
      [`ab:${testId}:%`],
    );
    return rows.map((r) => ({
      arm: String(r.arm),
      model: String(r.model),
      n: Number(r.n),
      reward: Number(r.reward),
      rewardSq: Number(r.reward_sq),
    }));
  }

  /** Sets a request's feedback score; undefined when no request_log row has this id. */
  async setFeedback(requestId: string, score: number): Promise<FeedbackChange | undefined> {
    const rows = await queryRows<Record<string, string | number | boolean | Date | null>>(
      this.db.fork(),
      `update request_log r set feedback_score = ?, feedback_at = now()
       from (select id, feedback_score as previous from request_log where id = ? for update) o
       where r.id = o.id returning r.task_type, r.model, r.success, r.ts, o.previous`,
      [score, requestId],
    );
    if (rows.length === 0) return undefined;
    const r = rows[0];
    return {
      requestId,
      taskType: String(r.task_type),
      model: String(r.model),
      success: r.success === true,
      ts: new Date(r.ts as string | Date),
      previous: r.previous === null ? null : Number(r.previous),
      score,
    };
  }
}
