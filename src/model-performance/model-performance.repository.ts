import type { Knex } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database/database.service';
import { queryRows } from '../database/query';
import { ModelPerformance } from './model-performance.entity';
import type { ModelPerformanceDto, RankedModel } from './model-performance.schemas';

/** The summed outcomes of some calls of one model on one task type. */
export interface CallTotals {
  modelId: string;
  taskType: string;
  calls: number;
  successes: number;
  latencySumMs: number;
  costSum: number;
}

const MAX_RANKED = 500;
const RANK_ORDER = 'order by success_rate desc, avg_cost asc, avg_latency_ms asc, model_id asc';

/**
 * Every call adds to the sums under the row lock that ON CONFLICT takes, and the averages are recomputed
 * from the sums in the same statement, so any number of concurrent writers stay exact.
 */
const UPSERT_HEAD = `insert into model_performance
  (model_id, task_type, total_calls, successes, latency_sum_ms, cost_sum, success_rate, avg_latency_ms, avg_cost, updated_at) values `;
const UPSERT_TAIL = ` on conflict (model_id, task_type) do update set
  total_calls = model_performance.total_calls + excluded.total_calls,
  successes = model_performance.successes + excluded.successes,
  latency_sum_ms = model_performance.latency_sum_ms + excluded.latency_sum_ms,
  cost_sum = model_performance.cost_sum + excluded.cost_sum,
  success_rate = 100.0 * (model_performance.successes + excluded.successes) / (model_performance.total_calls + excluded.total_calls),
  avg_latency_ms = (model_performance.latency_sum_ms + excluded.latency_sum_ms) / (model_performance.total_calls + excluded.total_calls),
  avg_cost = (model_performance.cost_sum + excluded.cost_sum) / (model_performance.total_calls + excluded.total_calls),
  updated_at = now()
  returning *`;
const UPSERT_VALUES = '(?, ?, ?::int, ?::int, ?::float8, ?::float8, ?::float8, ?::float8, ?::float8, now())';

/** model_performance: one atomic upsert per batch (never read-modify-write), listing and ranking. */
@Injectable()
export class ModelPerformanceRepository {
  constructor(private readonly db: DatabaseService) {}

  /**
   * Adds the totals (one per model and task type) in one statement; returns the rows as updated. Keys are
   * sorted so that concurrent batches lock rows in the same order (no deadlock).
   */
  async addCalls(totals: readonly CallTotals[]): Promise<ModelPerformanceDto[]> {
    if (totals.length === 0) return [];
    const sorted = [...totals].sort((a, b) => compareKeys(a, b));
    const params = sorted.flatMap((t) => [
      t.modelId,
      t.taskType,
      t.calls,
      t.successes,
      t.latencySumMs,
      t.costSum,
      (100 * t.successes) / t.calls,
      t.latencySumMs / t.calls,
      t.costSum / t.calls,
    ]);
    const em = this.db.fork();
    const sql = UPSERT_HEAD + sorted.map(() => UPSERT_VALUES).join(', ') + UPSERT_TAIL;
    const rows = await queryRows(em, sql, params);
    return rows.map((r) => toModelPerformanceDto(em.map(ModelPerformance, r)));
  }

  /** Rows per (model, task type), best first. */
  async list(filter: { taskType?: string; modelId?: string } = {}): Promise<ModelPerformanceDto[]> {
    const conditions: string[] = [];
    const params: Knex.Value[] = [];
    if (filter.taskType) {
      conditions.push('task_type = ?');
      params.push(filter.taskType);
    }
    if (filter.modelId) {
      conditions.push('model_id = ?');
      params.push(filter.modelId);
    }
    const where = conditions.length > 0 ? `where ${conditions.join(' and ')}` : '';
    const em = this.db.fork();
    const rows = await queryRows(em, `select * from model_performance ${where} ${RANK_ORDER}, task_type asc`, params);
    return rows.map((r) => toModelPerformanceDto(em.map(ModelPerformance, r)));
  }

  /** Models by success rate desc, then avg cost asc, then avg latency asc; summed across task types when none is given. */
  async rank(taskType?: string): Promise<RankedModel[]> {
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
}

/** One total order on (model id, task type), the same in every process. */
function compareKeys(a: CallTotals, b: CallTotals): number {
  const ka = JSON.stringify([a.modelId, a.taskType]);
  const kb = JSON.stringify([b.modelId, b.taskType]);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function toModelPerformanceDto(p: ModelPerformance): ModelPerformanceDto {
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
