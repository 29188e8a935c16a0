import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { yieldToEventLoop } from '../common/event-loop';
import { DatabaseService } from '../database/database.service';
import { queryRows } from '../database/query';
import type {
  FeedbackChange,
  ModelOutcomes,
  RequestLogInput,
  RuleOutcomes,
  StrategyArmMoments,
} from './request-log.types';

/** Rows per insert: well under Postgres' 65,535 bind parameters at 18 columns (a recorder batch is 200). */
const INSERT_CHUNK = 1000;
/** Rows per insert on PGlite in this thread, whose statements hold the event loop: yields in between. */
const EVENT_LOOP_CHUNK = 100;
const COLUMNS =
  'id, ts, task_type, layer, model, rule_id, strategy_arm, tokens_in, tokens_out, cost, latency_ms, success, error_class, feedback_score, attempts, stream, cached, client_request_id';
/** One row's placeholders, one per column (derived: a column added to COLUMNS cannot leave it short). */
const ROW_PLACEHOLDERS = `(${COLUMNS.split(',')
  .map(() => '?')
  .join(', ')})`;
const JSON_INSERT = `insert into request_log (${COLUMNS})
  select ${COLUMNS} from json_populate_recordset(null::request_log, ?::json) on conflict (id) do nothing returning id`;
/** The reward of one row, in SQL (see ModelOutcomes). */
const REWARD = 'case when success then coalesce(feedback_score, 1) else 0 end';

/** request_log: batched inserts, the outcome aggregates the optimizer reads, and the feedback write. */
@Injectable()
export class RequestLogRepository {
  constructor(private readonly db: DatabaseService) {}

  /** One insert per chunk (a recorder batch is one); a request id already logged is skipped. Returns the rows inserted. */
  async insert(rows: readonly RequestLogInput[]): Promise<number> {
    return (await this.insertReturningIds(rows)).length;
  }

  /** As insert; returns the ids of the rows inserted (not those skipped as already logged). */
  async insertReturningIds(rows: readonly RequestLogInput[]): Promise<string[]> {
    const em = this.db.fork();
    const inserted: string[] = [];
    const onLoop = this.db.statementsHoldEventLoop;
    const size = onLoop ? EVENT_LOOP_CHUNK : INSERT_CHUNK;
    for (let i = 0; i < rows.length; i += size) {
      if (onLoop && i > 0) await yieldToEventLoop();
      const chunk = rows.slice(i, i + size);
      const ids = chunk.every(jsonSafe) ? await this.insertAsJson(em, chunk) : await this.insertAsParams(em, chunk);
      inserted.push(...ids);
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

  /** Sets the judge's grade of a request; false when no row has this id (yet). */
  async setJudgeScore(requestId: string, score: number): Promise<boolean> {
    const rows = await queryRows<{ id: string }>(
      this.db.fork(),
      `update request_log set judge_score = ? where id = ? returning id`,
      [score, requestId],
    );
    return rows.length > 0;
  }

  /** One value per column and row: for rows that JSON cannot carry (see jsonSafe). */
  private async insertAsParams(em: EntityManager, rows: readonly RequestLogInput[]): Promise<string[]> {
    const values = rows.map(() => ROW_PLACEHOLDERS).join(', ');
    const result = await queryRows<{ id: string }>(
      em,
      `insert into request_log (${COLUMNS}) values ${values} on conflict (id) do nothing returning id`,
      rows.flatMap(requestLogParams),
    );
    return result.map((r) => r.id);
  }

  /**
   * The rows as one JSON parameter instead of 18 per row. Measured with the pg driver, 200-row batches: about
   * 18 instead of 64 us per row on the gateway's thread (no per-value encoding), half the CPU in all.
   */
  private async insertAsJson(em: EntityManager, rows: readonly RequestLogInput[]): Promise<string[]> {
    const result = await queryRows<{ id: string }>(em, JSON_INSERT, [JSON.stringify(rows.map(requestLogJson))]);
    return result.map((r) => r.id);
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

/** A string as its UTF-8 encoding would send it as a parameter: a lone surrogate (which JSON keeps as an escape Postgres refuses) becomes U+FFFD. */
function wellFormed(value: string): string;
function wellFormed(value: string | null): string | null;
function wellFormed(value: string | null): string | null {
  const s = value as (string & { isWellFormed(): boolean; toWellFormed(): string }) | null;
  return s === null || s.isWellFormed() ? s : s.toWellFormed();
}

function finiteOrAbsent(v: number | null | undefined): boolean {
  return v === undefined || v === null || Number.isFinite(v);
}

/** JSON has no NaN or Infinity (a bound parameter does) and no invalid date: such a row goes the parameter way. */
function jsonSafe(r: RequestLogInput): boolean {
  return (
    r.ts instanceof Date &&
    Number.isFinite(r.ts.getTime()) &&
    finiteOrAbsent(r.ruleId) &&
    finiteOrAbsent(r.tokensIn) &&
    finiteOrAbsent(r.tokensOut) &&
    finiteOrAbsent(r.cost) &&
    finiteOrAbsent(r.latencyMs) &&
    finiteOrAbsent(r.feedbackScore) &&
    finiteOrAbsent(r.attempts) &&
    typeof r.success === 'boolean'
  );
}

/** requestLogParams as one JSON object per row, keyed by column (values and defaults identical). */
function requestLogJson(r: RequestLogInput): Record<string, unknown> {
  return {
    id: wellFormed(r.id),
    ts: r.ts,
    task_type: wellFormed(r.taskType),
    layer: wellFormed(r.layer),
    model: wellFormed(r.model),
    rule_id: r.ruleId ?? null,
    strategy_arm: wellFormed(r.strategyArm ?? null),
    tokens_in: r.tokensIn ?? 0,
    tokens_out: r.tokensOut ?? 0,
    cost: r.cost ?? 0,
    latency_ms: r.latencyMs ?? 0,
    success: r.success,
    error_class: wellFormed(r.errorClass ?? null),
    feedback_score: r.feedbackScore ?? null,
    attempts: r.attempts ?? 1,
    stream: r.stream ?? false,
    cached: r.cached ?? false,
    client_request_id: wellFormed(r.clientRequestId ?? null),
  };
}
