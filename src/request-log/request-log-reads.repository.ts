import type { Knex } from '@mikro-orm/knex';
import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database/database.service';
import { queryRows } from '../database/query';
import type {
  LoggedRequest,
  QualityBucket,
  RequestLogFilter,
  UsageBucket,
  UsageGroup,
  UsageTotals,
} from './request-log.types';

const ROW_COLUMNS =
  'id, ts, task_type, layer, model, rule_id, strategy_arm, tokens_in, tokens_out, cost, latency_ms, success, error_class, feedback_score, attempts, stream';
/** Latency percentiles are taken over answered requests: a request that got no answer is logged with 0 ms. */
const LATENCY_PERCENTILES = `percentile_cont(0.5) within group (order by latency_ms) filter (where success) as p50,
  percentile_cont(0.95) within group (order by latency_ms) filter (where success) as p95`;
/**
 * Columns of request_log a judge score may live in, in order of preference. The judge (optimizer.judge)
 * stores its grade in one of these once its migration lands; until then the judge series is empty.
 */
export const JUDGE_SCORE_COLUMNS = ['judge_score'] as const;

type Row = Record<string, unknown>;

/**
 * request_log as the console and the read tools see it: filtered pages, and time series aggregated in SQL
 * (one bucket width per call, only buckets with requests). The writes stay in RequestLogRepository.
 */
@Injectable()
export class RequestLogReadsRepository {
  private judgeColumn?: Promise<string | null>;

  constructor(private readonly db: DatabaseService) {}

  /** One page of rows matching `filter`, newest first (ts desc, id desc), and how many match in all. */
  async page(
    filter: RequestLogFilter,
    limit: number,
    offset: number,
  ): Promise<{ items: LoggedRequest[]; total: number }> {
    const { where, params } = whereOf(filter);
    const em = this.db.fork();
    const rows = await queryRows<Row>(
      em,
      `select ${ROW_COLUMNS} from request_log ${where} order by ts desc, id desc limit ? offset ?`,
      [...params, limit, offset],
    );
    const total = await queryRows<{ n: number | string }>(
      em,
      `select count(*)::int as n from request_log ${where}`,
      params,
    );
    return { items: rows.map(toLoggedRequest), total: Number(total[0]?.n ?? 0) };
  }

  /** Per (group, bucket) traffic since `from`: bucket starts are multiples of `bucketSeconds` since the epoch. */
  async usageBuckets(from: Date, bucketSeconds: number, groupBy: UsageGroup): Promise<UsageBucket[]> {
    const key = groupBy === 'model' ? 'model' : groupBy === 'layer' ? 'layer' : `'all'`;
    const rows = await queryRows<Row>(
      this.db.fork(),
      `select floor(extract(epoch from ts) / ?)::float8 * ? as bucket, ${key} as key, count(*)::int as requests,
        (count(*) filter (where success))::int as successes, ${LATENCY_PERCENTILES},
        sum(cost)::float8 as cost, sum(tokens_in)::float8 as tokens_in, sum(tokens_out)::float8 as tokens_out
       from request_log where ts >= ? group by 1, 2 order by 2, 1`,
      [bucketSeconds, bucketSeconds, from],
    );
    return rows.map((r) => ({
      key: String(r.key),
      start: new Date(Number(r.bucket) * 1000),
      requests: Number(r.requests),
      successes: Number(r.successes),
      p50LatencyMs: nullableNumber(r.p50),
      p95LatencyMs: nullableNumber(r.p95),
      costUsd: finiteOr0(r.cost),
      tokensIn: finiteOr0(r.tokens_in),
      tokensOut: finiteOr0(r.tokens_out),
    }));
  }

  /** The same figures over the whole window. */
  async usageTotals(from: Date): Promise<UsageTotals> {
    const rows = await queryRows<Row>(
      this.db.fork(),
      `select count(*)::int as requests, (count(*) filter (where success))::int as successes,
        coalesce(sum(cost), 0)::float8 as cost, ${LATENCY_PERCENTILES}
       from request_log where ts >= ?`,
      [from],
    );
    const r = rows[0] ?? {};
    return {
      requests: Number(r.requests ?? 0),
      successes: Number(r.successes ?? 0),
      costUsd: finiteOr0(r.cost),
      p50LatencyMs: nullableNumber(r.p50),
      p95LatencyMs: nullableNumber(r.p95),
    };
  }

  /**
   * Per (model, bucket) quality since `from`: call success, caller feedback and, where request_log has a
   * judge score column, the judge's scores. Requests that reached no model are left out.
   */
  async qualityBuckets(from: Date, bucketSeconds: number, model?: string): Promise<QualityBucket[]> {
    const judge = await this.judgeScoreColumn();
    const judgeSql = judge
      ? `avg(${judge}) filter (where ${judge} is not null)::float8 as judge_mean, (count(${judge}))::int as judge_n`
      : 'null::float8 as judge_mean, 0 as judge_n';
    const params: Knex.Value[] = [bucketSeconds, bucketSeconds, from];
    if (model !== undefined) params.push(model);
    const rows = await queryRows<Row>(
      this.db.fork(),
      `select floor(extract(epoch from ts) / ?)::float8 * ? as bucket, model, count(*)::int as requests,
        (count(*) filter (where success))::int as successes,
        avg(feedback_score) filter (where feedback_score is not null)::float8 as caller_mean,
        (count(feedback_score))::int as caller_n, ${judgeSql}
       from request_log where ts >= ? and model <> 'none' ${model !== undefined ? 'and model = ?' : ''}
       group by 1, 2 order by 2, 1`,
      params,
    );
    return rows.map((r) => ({
      model: String(r.model),
      start: new Date(Number(r.bucket) * 1000),
      requests: Number(r.requests),
      successes: Number(r.successes),
      caller: Number(r.caller_n) > 0 ? { mean: clamp01(Number(r.caller_mean)), n: Number(r.caller_n) } : null,
      judge: Number(r.judge_n) > 0 ? { mean: clamp01(Number(r.judge_mean)), n: Number(r.judge_n) } : null,
    }));
  }

  /** True when request_log has a judge score column (the judge's migration has run). */
  async hasJudgeScores(): Promise<boolean> {
    return (await this.judgeScoreColumn()) !== null;
  }

  /** Looked up once per process: migrations run before the app starts, so the columns do not change under it. */
  private judgeScoreColumn(): Promise<string | null> {
    this.judgeColumn ??= queryRows<{ column_name: string }>(
      this.db.fork(),
      `select column_name from information_schema.columns where table_schema = current_schema() and table_name = 'request_log'`,
    ).then(
      (rows) => {
        const present = new Set(rows.map((r) => r.column_name));
        return JUDGE_SCORE_COLUMNS.find((c) => present.has(c)) ?? null;
      },
      (err: unknown) => {
        this.judgeColumn = undefined;
        throw err;
      },
    );
    return this.judgeColumn;
  }
}

function whereOf(f: RequestLogFilter): { where: string; params: Knex.Value[] } {
  const conds: string[] = [];
  const params: Knex.Value[] = [];
  const add = (sql: string, value: Knex.Value) => {
    conds.push(sql);
    params.push(value);
  };
  if (f.since) add('ts >= ?', f.since);
  if (f.until) add('ts < ?', f.until);
  if (f.model !== undefined) add('model = ?', f.model);
  if (f.layer !== undefined) add('layer = ?', f.layer);
  if (f.taskType !== undefined) add('task_type = ?', f.taskType);
  if (f.success !== undefined) add('success = ?', f.success);
  return { where: conds.length ? `where ${conds.join(' and ')}` : '', params };
}

/** A row as read back; numbers that JSON cannot carry (a NaN cost) read as 0. */
export function toLoggedRequest(r: Row): LoggedRequest {
  return {
    id: String(r.id),
    ts: new Date(r.ts as string | Date),
    taskType: String(r.task_type),
    layer: String(r.layer),
    model: String(r.model),
    ruleId: r.rule_id === null || r.rule_id === undefined ? null : Number(r.rule_id),
    strategyArm: (r.strategy_arm as string | null) ?? null,
    tokensIn: finiteOr0(r.tokens_in),
    tokensOut: finiteOr0(r.tokens_out),
    cost: finiteOr0(r.cost),
    latencyMs: finiteOr0(r.latency_ms),
    success: r.success === true,
    errorClass: (r.error_class as string | null) ?? null,
    feedbackScore: nullableNumber(r.feedback_score),
    attempts: finiteOr0(r.attempts),
    stream: r.stream === true,
  };
}

function finiteOr0(v: unknown): number {
  const n = Number(v);
  return Number.isFinite(n) ? Math.max(0, n) : 0;
}

function nullableNumber(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}
