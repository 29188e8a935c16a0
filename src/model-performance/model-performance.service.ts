import { Injectable, Logger } from '@nestjs/common';
import { InvalidInputError } from '../errors';
import { ModelCatalogue } from '../providers/model-catalogue';
import { CallTotals, ModelPerformanceRepository } from './model-performance.repository';
import type { ModelPerformanceDto, RankedModel } from './model-performance.schemas';

/** The outcome of one model call. */
export interface ModelCall {
  modelId: string;
  taskType: string;
  success: boolean;
  latencyMs: number;
  cost: number;
}

/** Hears the rows every write returned: the database's totals after it (routing's snapshot follows them). */
export type ModelPerformanceListener = (rows: readonly ModelPerformanceDto[]) => void;

/** model_performance: exact running sums per (model, task type), the ranking, and updates for subscribers. */
@Injectable()
export class ModelPerformanceService {
  private readonly logger = new Logger('ModelPerformance');
  private readonly listeners = new Set<ModelPerformanceListener>();

  constructor(
    private readonly performance: ModelPerformanceRepository,
    private readonly catalogue: ModelCatalogue,
  ) {}

  /** Calls `listener` after every write with the rows it returned; the result unsubscribes. */
  subscribe(listener: ModelPerformanceListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * A call reported from outside (the update_model_performance tool): the model must be in the catalogue,
   * so that an id nobody routes to cannot top the ranking.
   * @throws InvalidInputError (path `modelId`) for a model the catalogue does not know; as recordModelCall otherwise.
   */
  async recordReportedCall(call: ModelCall): Promise<ModelPerformanceDto> {
    this.catalogue.requireKnown(call.modelId, 'modelId');
    return this.recordModelCall(call);
  }

  /**
   * One atomic upsert for one call.
   * @throws InvalidInputError (path `latencyMs` or `cost`) for a negative or non-finite number.
   */
  async recordModelCall(call: ModelCall): Promise<ModelPerformanceDto> {
    const [row] = await this.recordModelCalls([call]);
    return row;
  }

  /**
   * Sums the batch per (model, task type) and adds every key in one statement. Returns the updated rows.
   * @throws InvalidInputError as recordModelCall does; nothing is written then.
   */
  async recordModelCalls(batch: readonly ModelCall[]): Promise<ModelPerformanceDto[]> {
    if (batch.length === 0) return [];
    const totals = new Map<string, CallTotals>();
    for (const call of batch) {
      checkModelCall(call);
      const key = JSON.stringify([call.modelId, call.taskType]);
      const t = totals.get(key) ?? {
        modelId: call.modelId,
        taskType: call.taskType,
        calls: 0,
        successes: 0,
        latencySumMs: 0,
        costSum: 0,
      };
      t.calls += 1;
      t.successes += call.success ? 1 : 0;
      t.latencySumMs += call.latencyMs;
      t.costSum += call.cost;
      totals.set(key, t);
    }
    const rows = await this.performance.addCalls([...totals.values()]);
    this.publish(rows);
    return rows;
  }

  /** Rows per (model, task type), best first. */
  listModelPerformance(filter: { taskType?: string; modelId?: string } = {}): Promise<ModelPerformanceDto[]> {
    return this.performance.list(filter);
  }

  /** Models by success rate desc, then avg cost asc, then avg latency asc; summed across task types when none is given. */
  rankModels(taskType?: string): Promise<RankedModel[]> {
    return this.performance.rank(taskType);
  }

  private publish(rows: readonly ModelPerformanceDto[]): void {
    for (const listener of this.listeners) {
      try {
        listener(rows);
      } catch (err) {
        this.logger.warn(`a model performance listener failed: ${(err as Error).message}`);
      }
    }
  }
}

function checkModelCall(call: ModelCall): void {
  if (!Number.isFinite(call.latencyMs) || call.latencyMs < 0)
    throw InvalidInputError.field('latencyMs', 'must be a finite number >= 0');
  if (!Number.isFinite(call.cost) || call.cost < 0)
    throw InvalidInputError.field('cost', 'must be a finite number >= 0');
}
