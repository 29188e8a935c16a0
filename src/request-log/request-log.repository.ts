import type { Knex } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database/database.service';
import { queryRows } from '../database/query';
import type {
  FeedbackChange,
  ModelOutcomes,
  RequestLogInput,
  RuleOutcomes,
  StrategyArmMoments,
} from './request-log.types';

/** Rows per multi-row insert: well under Postgres' 65,535 bind parameters at 18 columns (a recorder batch is 200). */
const INSERT_CHUNK = 1000;
const COLUMNS =
  'id, ts, task_type, layer, model, rule_id, strategy_arm, tokens_in, tokens_out, cost, latency_ms, success, error_class, feedback_score, attempts, stream, cached, client_request_id';
/** One row's placeholders, one per column (derived: a column added to COLUMNS cannot leave it short). */
const ROW_PLACEHOLDERS = `(${COLUMNS.split(',')
  .map(() => '?')
  .join(', ')})`;
/** The reward of one row, in SQL (see ModelOutcomes). */
const REWARD = 'case when success then coalesce(feedback_score, 1) else 0 end';

/** request_log: batched inserts, the outcome aggregates the optimizer reads, and the feedback write. */
@Injectable()
export class RequestLogRepository {
  constructor(private readonly db: DatabaseService) {}

  /** One multi-row insert per chunk; a request id already logged is skipped. Returns the rows inserted. */
  async insert(rows: readonly RequestLogInput[]): Promise<number> {
    return (await this.insertReturningIds(rows)).length;
  }

  /** As insert; returns the ids of the rows inserted (not those skipped as already logged). */
  async insertReturningIds(rows: readonly RequestLogInput[]): Promise<string[]> {
    // One statement per recorder batch on both databases: the embedded PGlite runs it in its own thread.
    const em = this.db.fork();
    const inserted: string[] = [];
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const chunk = rows.slice(i, i + INSERT_CHUNK);
      const values = chunk.map(() => ROW_PLACEHOLDERS).join(', ');
      const result = await queryRows<{ id: string }>(
        em,
        `insert into request_log (${COLUMNS}) values ${values} on conflict (id) do nothing returning id`,
        chunk.flatMap(requestLogParams),
      );
      for (const r of result) inserted.push(r.id);
    }
    return inserted;
  }

  /** Per (task type, model) outcomes of the rows with since <= ts < until (requests that reached a model). */
  async outcomesPerModel(since: Date, until: Date): Promise<ModelOutcomes[]> {
    const rows = await queryRows<Record<string, string | number>>(
      this.db.fork(),
      `select task_type, model, count(*)::float8 as n, sum(${REWARD})::float8 as reward, sum(latency_ms)::float8 as latency, sum(cost)::float8 as cost
       from request_log where ts >= ? and ts < ? and model <> 'none' and not cached group by task_type, model order by task_type, model`,
      [since, until],
    );
    return rows.map((r) => ({
      taskType: String(r.task_type),
      model: String(r.model),
      n: Number(r.n),
      reward: Number(r.reward),
      latencyMs: Number(r.latency),
      costSum: Number(r.cost),
    }));
  }

  /** Per rule outcomes since `since`, with the rule's dominant task type and model. */
  async outcomesPerRule(since: Date): Promise<RuleOutcomes[]> {
    const rows = await queryRows<Record<string, string | number>>(
      this.db.fork(),
      `with r as (select * from request_log where ts >= ? and rule_id is not null and not cached),
        totals as (select rule_id, count(*)::float8 as n, sum(${REWARD})::float8 as reward, sum(latency_ms)::float8 as latency, sum(cost)::float8 as cost from r group by rule_id),
        modes as (select distinct on (rule_id) rule_id, task_type, model from r group by rule_id, task_type, model order by rule_id, count(*) desc, task_type, model)
       select t.*, m.task_type, m.model from totals t join modes m using (rule_id) order by t.rule_id`,
      [since],
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

  /** Reward moments per strategy arm and model, over the rows whose arm starts with `armPrefix`. */
  async rewardMomentsPerArm(armPrefix: string): Promise<StrategyArmMoments[]> {
    const rows = await queryRows<Record<string, string | number>>(
      this.db.fork(),
      `select strategy_arm, model, count(*)::float8 as n, sum(${REWARD})::float8 as reward,
        sum((${REWARD}) * (${REWARD}))::float8 as reward_sq
       from request_log where strategy_arm like ? and not cached group by strategy_arm, model order by strategy_arm, model`,
      [`${armPrefix.replace(/[\\%_]/g, '\\$&')}%`],
    );
    return rows.map((r) => ({
      strategyArm: String(r.strategy_arm),
      model: String(r.model),
      n: Number(r.n),
      reward: Number(r.reward),
      rewardSq: Number(r.reward_sq),
    }));
  }

  /** Sets a request's feedback score (row-locked, returning the previous one); undefined when no row has this id. */
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

function requestLogParams(r: RequestLogInput): Knex.Value[] {
  return [
    r.id,
    r.ts,
    r.taskType,
    r.layer,
    r.model,
    r.ruleId ?? null,
    r.strategyArm ?? null,
    r.tokensIn ?? 0,
    r.tokensOut ?? 0,
    r.cost ?? 0,
    r.latencyMs ?? 0,
    r.success,
    r.errorClass ?? null,
    r.feedbackScore ?? null,
    r.attempts ?? 1,
    r.stream ?? false,
    r.cached ?? false,
    r.clientRequestId ?? null,
  ];
}
