import { EntityManager, Knex } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { GATEWAY_CONFIG } from '../config/config.module';
import type { GatewayConfig } from '../config/config.schema';
import { DatabaseService } from '../database/database.service';
import { InvalidInputError } from '../errors';
import { formatReport } from './analytics-report';
import type {
  AnalyticsReport,
  AnalyzeMetricsOutput,
  LastOptimizerRun,
  MetricDto,
  ModelPerformanceDto,
  RankedModel,
  RecentBug,
  ReportCounts,
} from './analytics.schemas';
import { ModelPerformance } from './model-performance.entity';
import { PerformanceMetric } from './performance-metric.entity';
import { queryRows } from '../database/query';
import { assertJsonSize } from '../tools/schema-helpers';

export interface MetricInput {
  name: string;
  value: number;
  unit: string;
  context?: Record<string, unknown>;
  recordedAt?: Date;
}

/** The outcome of one model call, as the recorder reports it. */
export interface ModelCall {
  modelId: string;
  taskType: string;
  success: boolean;
  latencyMs: number;
  cost: number;
}

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

const TOP_MODELS = 5;
const RECENT_BUGS = 10;
const MAX_RANKED = 500;
/** Rows per multi-row insert: well under Postgres' 65,535 bind parameters at 16 columns. */
const INSERT_CHUNK = 1000;
/** Rows per request_log insert on the embedded PGlite, whose statements hold the event loop while they run. */
const PGLITE_INSERT_CHUNK = 100;
const REQUEST_LOG_COLUMNS =
  'id, ts, task_type, layer, model, rule_id, strategy_arm, tokens_in, tokens_out, cost, latency_ms, success, error_class, feedback_score, attempts, stream';
const REQUEST_LOG_JSON_INSERT = `insert into request_log (${REQUEST_LOG_COLUMNS})
  select ${REQUEST_LOG_COLUMNS} from json_populate_recordset(null::request_log, ?::json) on conflict (id) do nothing returning id`;

/** Lets pending I/O (requests) run before the next statement. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Every call adds to the sums under the row lock that ON CONFLICT takes, and the averages are recomputed
 * from the sums in the same statement, so any number of concurrent writers stay exact.
 */
const MODEL_UPSERT_HEAD = `insert into model_performance
  (model_id, task_type, total_calls, successes, latency_sum_ms, cost_sum, success_rate, avg_latency_ms, avg_cost, updated_at) values `;
const MODEL_UPSERT_TAIL = ` on conflict (model_id, task_type) do update set
  total_calls = model_performance.total_calls + excluded.total_calls,
  successes = model_performance.successes + excluded.successes,
  latency_sum_ms = model_performance.latency_sum_ms + excluded.latency_sum_ms,
  cost_sum = model_performance.cost_sum + excluded.cost_sum,
  success_rate = 100.0 * (model_performance.successes + excluded.successes) / (model_performance.total_calls + excluded.total_calls),
  avg_latency_ms = (model_performance.latency_sum_ms + excluded.latency_sum_ms) / (model_performance.total_calls + excluded.total_calls),
  avg_cost = (model_performance.cost_sum + excluded.cost_sum) / (model_performance.total_calls + excluded.total_calls),
  updated_at = now()
  returning *`;
const MODEL_VALUES = '(?, ?, ?::int, ?::int, ?::float8, ?::float8, ?::float8, ?::float8, ?::float8, now())';

const RANK_ORDER = 'order by success_rate desc, avg_cost asc, avg_latency_ms asc, model_id asc';

/** performance_metrics, model_performance, request_log, and the cross-table analysis report. */
@Injectable()
export class AnalyticsService {
  constructor(
    private readonly db: DatabaseService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** @throws InvalidInputError (field `value` or `context`) for a non-finite value or an oversized context */
  async recordMetric(input: MetricInput): Promise<MetricDto> {
    this.checkMetric(input);
    const em = this.db.fork();
    const [row] = await queryRows(
      em,
      'insert into performance_metrics (metric_name, metric_value, metric_unit, context, recorded_at) values (?, ?, ?, ?::jsonb, ?) returning *',
      metricParams(input),
    );
    return toMetricDto(em.map(PerformanceMetric, row));
  }

  /**
   * Multi-row insert; validates every row first, so a bad row writes nothing. Returns rows written.
   * @throws InvalidInputError as recordMetric, for the first bad row
   */
  async recordMetrics(rows: readonly MetricInput[]): Promise<number> {
    rows.forEach((r) => this.checkMetric(r));
    const em = this.db.fork();
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const chunk = rows.slice(i, i + INSERT_CHUNK);
      const values = chunk.map(() => '(?, ?, ?, ?::jsonb, ?)').join(', ');
      await queryRows(
        em,
        `insert into performance_metrics (metric_name, metric_value, metric_unit, context, recorded_at) values ${values}`,
        chunk.flatMap(metricParams),
      );
    }
    return rows.length;
  }

  /**
   * One atomic upsert for one call.
   * @throws InvalidInputError (field `latencyMs` or `cost`) for a negative or non-finite number
   */
  async recordModelCall(call: ModelCall): Promise<ModelPerformanceDto> {
    const [row] = await this.recordModelCalls([call]);
    return row;
  }

  /**
   * Aggregates the batch per (model, task type) and upserts all keys in one statement. Keys are sorted so
   * that concurrent batches lock rows in the same order (no deadlock). Returns the updated rows.
   * @throws InvalidInputError as recordModelCall, for the first bad call (nothing is written)
   */
  async recordModelCalls(batch: readonly ModelCall[]): Promise<ModelPerformanceDto[]> {
    if (batch.length === 0) return [];
    const totals = new Map<
      string,
      { modelId: string; taskType: string; calls: number; successes: number; latency: number; cost: number }
    >();
    for (const call of batch) {
      checkModelCall(call);
      const key = JSON.stringify([call.modelId, call.taskType]);
      const t = totals.get(key) ?? {
        modelId: call.modelId,
        taskType: call.taskType,
        calls: 0,
        successes: 0,
        latency: 0,
        cost: 0,
      };
      t.calls += 1;
      t.successes += call.success ? 1 : 0;
      t.latency += call.latencyMs;
      t.cost += call.cost;
      totals.set(key, t);
    }
    const keys = [...totals.keys()].sort();
    const params = keys.flatMap((k) => {
      const t = totals.get(k)!;
      return [
        t.modelId,
        t.taskType,
        t.calls,
        t.successes,
        t.latency,
        t.cost,
        (100 * t.successes) / t.calls,
        t.latency / t.calls,
        t.cost / t.calls,
      ];
    });
    const em = this.db.fork();
    const rows = await queryRows(
      em,
      MODEL_UPSERT_HEAD + keys.map(() => MODEL_VALUES).join(', ') + MODEL_UPSERT_TAIL,
      params,
    );
    return rows.map((r) => toModelPerformanceDto(em.map(ModelPerformance, r)));
  }

  /** Rows per (model, task type), best first; for the optimizer and the router's priors. */
  async listModelPerformance(filter: { taskType?: string; modelId?: string } = {}): Promise<ModelPerformanceDto[]> {
    const conditions: string[] = [];
    const params: Knex.Value[] = [];
    if (filter.taskType) (conditions.push('task_type = ?'), params.push(filter.taskType));
    if (filter.modelId) (conditions.push('model_id = ?'), params.push(filter.modelId));
    const where = conditions.length > 0 ? `where ${conditions.join(' and ')}` : '';
    const em = this.db.fork();
    const rows = await queryRows(em, `select * from model_performance ${where} ${RANK_ORDER}, task_type asc`, params);
    return rows.map((r) => toModelPerformanceDto(em.map(ModelPerformance, r)));
  }

  /** One multi-row insert per chunk; a request id already logged is skipped, so a retried flush is harmless. */
  async insertRequestLogs(rows: readonly RequestLogInput[]): Promise<number> {
    const em = this.db.fork();
    // PGlite runs each statement on this thread: small statements, with the event loop free in between.
    if (this.db.kind === 'pglite') return this.insertRequestLogsAsJson(em, rows);
    return this.insertRequestLogsAsParams(em, rows);
  }

  private async insertRequestLogsAsParams(em: EntityManager, rows: readonly RequestLogInput[]): Promise<number> {
    let inserted = 0;
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const chunk = rows.slice(i, i + INSERT_CHUNK);
      const values = chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
      const result = await queryRows<{ id: string }>(
        em,
        `insert into request_log (id, ts, task_type, layer, model, rule_id, strategy_arm, tokens_in, tokens_out, cost, latency_ms, success, error_class, feedback_score, attempts, stream)
         values ${values} on conflict (id) do nothing returning id`,
        chunk.flatMap(requestLogParams),
      );
      inserted += result.length;
    }
    return inserted;
  }

  /**
   * The same rows on the embedded PGlite, whose statements run on this thread: one JSON parameter per
   * statement instead of 16 per row (a third less CPU), in small statements with the event loop free
   * in between, so that a flush never holds requests up for long.
   */
  private async insertRequestLogsAsJson(em: EntityManager, rows: readonly RequestLogInput[]): Promise<number> {
    let inserted = 0;
    for (let i = 0; i < rows.length; i += PGLITE_INSERT_CHUNK) {
      if (i > 0) await yieldToEventLoop();
      const chunk = rows.slice(i, i + PGLITE_INSERT_CHUNK);
      if (!chunk.every(jsonSafe)) {
        inserted += await this.insertRequestLogsAsParams(em, chunk);
        continue;
      }
      inserted += (
        await queryRows<{ id: string }>(em, REQUEST_LOG_JSON_INSERT, [JSON.stringify(chunk.map(requestLogJson))])
      ).length;
    }
    return inserted;
  }

  /** Models by success rate desc, then avg cost asc, then avg latency asc; summed across task types when none is given. */
  async rankModels(taskType?: string): Promise<RankedModel[]> {
    const source = taskType
      ? 'select model_id, total_calls, successes, latency_sum_ms, cost_sum from model_performance where task_type = ?'
      : `select model_id, sum(total_calls) as total_calls, sum(successes) as successes, sum(latency_sum_ms) as latency_sum_ms, sum(cost_sum) as cost_sum
         from model_performance group by model_id`;
    const sql = `with s as (${source})
      select model_id, total_calls::float8 as total_calls, successes::float8 as successes,
        (100.0 * successes / total_calls)::float8 as success_rate,
        (latency_sum_ms / total_calls)::float8 as avg_latency_ms,
        (cost_sum / total_calls)::float8 as avg_cost
      from s where total_calls > 0 ${RANK_ORDER} limit ${MAX_RANKED}`;
    const rows = await queryRows<Record<string, number | string>>(this.db.fork(), sql, taskType ? [taskType] : []);
    return rows.map((r, i) => ({
      rank: i + 1,
      modelId: String(r.model_id),
      totalCalls: Number(r.total_calls),
      successes: Number(r.successes),
      successRate: Number(r.success_rate),
      avgLatencyMs: Number(r.avg_latency_ms),
      avgCost: Number(r.avg_cost),
    }));
  }

  /** The analyze_metrics result: the ranking and, if asked, the report (structured and as text). */
  async analyze(input: { taskType?: string; includeReport?: boolean }): Promise<AnalyzeMetricsOutput> {
    const taskType = input.taskType ?? null;
    const models = await this.rankModels(input.taskType);
    if (input.includeReport === false) return { taskType, models };
    return { taskType, models, report: await this.buildReport(taskType, models) };
  }

  private async buildReport(taskType: string | null, models: RankedModel[]): Promise<AnalyticsReport> {
    const em = this.db.fork();
    const [c] = await queryRows<Record<string, number | string>>(
      em,
      `select (select count(*) from regression_tests) as regression_tests,
        (select count(*) from bug_patterns) as bug_patterns,
        (select count(*) from routing_rules) as rules_total,
        (select count(*) from routing_rules where active) as rules_active`,
    );
    const bugs = await queryRows<{
      category: string;
      pattern: string;
      severity: string;
      occurrences: number;
      last_seen: Date | string;
    }>(
      em,
      `select category, pattern, severity, occurrences, last_seen from bug_patterns order by last_seen desc, id desc limit ${RECENT_BUGS}`,
    );
    const counts: ReportCounts = {
      regressionTests: Number(c.regression_tests),
      bugPatterns: Number(c.bug_patterns),
      routingHeuristics: { active: Number(c.rules_active), total: Number(c.rules_total) },
      modelsTracked: models.length,
      modelCalls: models.reduce((sum, m) => sum + m.totalCalls, 0),
    };
    const recentBugs: RecentBug[] = bugs.map((b) => ({
      category: b.category,
      pattern: b.pattern,
      severity: b.severity,
      occurrences: Number(b.occurrences),
      lastSeen: new Date(b.last_seen).toISOString(),
    }));
    const lastOptimizerRun = await this.lastOptimizerRun(em);
    const parts = {
      generatedAt: new Date().toISOString(),
      taskType,
      counts,
      topModels: models.slice(0, TOP_MODELS),
      recentBugs,
      lastOptimizerRun,
    };
    return { ...parts, text: formatReport(parts) };
  }

  /** The newest optimizer_runs row, summarised (read here with SQL: analytics knows nothing of the optimizer module). */
  private async lastOptimizerRun(em: EntityManager): Promise<LastOptimizerRun | null> {
    const rows = await queryRows<{
      id: number;
      trigger: string;
      started_at: Date | string;
      finished_at: Date | string | null;
      changes: unknown;
    }>(
      em,
      'select id, trigger, started_at, finished_at, changes from optimizer_runs order by started_at desc, id desc limit 1',
    );
    if (rows.length === 0) return null;
    const r = rows[0];
    const changes = (typeof r.changes === 'string' ? JSON.parse(r.changes) : r.changes) as Array<{ kind?: string }>;
    const kinds: Record<string, number> = {};
    for (const c of Array.isArray(changes) ? changes : []) if (c?.kind) kinds[c.kind] = (kinds[c.kind] ?? 0) + 1;
    return {
      id: Number(r.id),
      trigger: r.trigger,
      startedAt: new Date(r.started_at).toISOString(),
      finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
      changes: Array.isArray(changes) ? changes.length : 0,
      kinds,
    };
  }

  private checkMetric(input: MetricInput): void {
    if (!Number.isFinite(input.value)) throw InvalidInputError.field('value', 'must be a finite number');
    assertJsonSize('context', input.context, this.config.security.maxJsonFieldBytes);
  }
}

function checkModelCall(call: ModelCall): void {
  if (!Number.isFinite(call.latencyMs) || call.latencyMs < 0)
    throw InvalidInputError.field('latencyMs', 'must be a finite number >= 0');
  if (!Number.isFinite(call.cost) || call.cost < 0)
    throw InvalidInputError.field('cost', 'must be a finite number >= 0');
}

function metricParams(m: MetricInput): Knex.Value[] {
  return [m.name, m.value, m.unit, JSON.stringify(m.context ?? {}), m.recordedAt ?? new Date()];
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
  };
}

export function toMetricDto(m: PerformanceMetric): MetricDto {
  return {
    id: m.id,
    name: m.metricName,
    value: m.metricValue,
    unit: m.metricUnit,
    context: m.context ?? {},
    recordedAt: new Date(m.recordedAt).toISOString(),
  };
}

export function toModelPerformanceDto(p: ModelPerformance): ModelPerformanceDto {
  return {
    modelId: p.modelId,
    taskType: p.taskType,
    totalCalls: p.totalCalls,
    successes: p.successes,
    successRate: p.successRate,
    avgLatencyMs: p.avgLatencyMs,
    avgCost: p.avgCost,
    latencySumMs: p.latencySumMs,
    costSum: p.costSum,
    updatedAt: new Date(p.updatedAt).toISOString(),
  };
}

/**
 * One statement with server-side bound parameters. MikroORM's execute() inlines values into the SQL text,
 * and the PGlite dialect then takes a ';' inside a value for a statement separator (and returns nested results).
 */
