import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { ModelPerformanceDto } from '../model-performance/model-performance.schemas';
import { ModelPerformanceService } from '../model-performance/model-performance.service';

export interface ModelStats {
  calls: number;
  successes: number;
  latencySumMs: number;
  costSum: number;
}

/** How often the snapshot re-reads model_performance (other replicas write there too). */
const RELOAD_INTERVAL_MS = 30_000;

/**
 * model_performance in memory, so that routing never reads the database per request: loaded at
 * start, advanced by every write this process makes (it subscribes to ModelPerformanceService), and
 * reloaded periodically.
 */
@Injectable()
export class PerformanceSnapshot implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('PerformanceSnapshot');
  private stats = new Map<string, ModelStats>();
  private timer?: NodeJS.Timeout;
  private unsubscribe?: () => void;
  /** Bumped on every change: policies cache their rankings per version. */
  version = 0;

  constructor(private readonly performance: ModelPerformanceService) {}

  async onModuleInit(): Promise<void> {
    this.unsubscribe = this.performance.subscribe((rows) => this.apply(rows));
    await this.reload();
    this.timer = setInterval(() => void this.reload(), RELOAD_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
  }

  get(modelId: string, taskType: string): ModelStats | undefined {
    return this.stats.get(key(modelId, taskType));
  }

  /** Replaces the snapshot with the database's numbers; on failure the current one stays. */
  async reload(): Promise<void> {
    try {
      const rows = await this.performance.listModelPerformance();
      this.stats = new Map();
      this.apply(rows);
      this.version++;
    } catch (err) {
      this.logger.warn(`reloading model performance failed: ${(err as Error).message}`);
    }
  }

  /** Takes the rows an upsert returned: the database's totals after this process's write. */
  apply(rows: readonly ModelPerformanceDto[]): void {
    for (const r of rows)
      this.stats.set(key(r.modelId, r.taskType), {
        calls: r.totalCalls,
        successes: r.successes,
        latencySumMs: r.latencySumMs,
        costSum: r.costSum,
      });
    if (rows.length > 0) this.version++;
  }
}

function key(modelId: string, taskType: string): string {
  return `${modelId}\u0000${taskType}`;
}
