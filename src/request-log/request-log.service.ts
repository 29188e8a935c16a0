import { Inject, Injectable, Logger } from '@nestjs/common';
import { GATEWAY_CONFIG } from '../config/config.module';
import type { GatewayConfig } from '../config/config.schema';
import { RequestLogReadsRepository } from './request-log-reads.repository';
import { RequestLogRepository } from './request-log.repository';
import type {
  FeedbackChange,
  LoggedRequest,
  ModelOutcomes,
  QualityBucket,
  RequestLogFilter,
  RequestLogInput,
  RuleOutcomes,
  StrategyArmMoments,
  UsageBucket,
  UsageGroup,
  UsageTotals,
} from './request-log.types';
import { UsageWindow, WindowBounds, windowBounds } from './usage-window';

/** Told of the rows each append stored, in order (the live request log). */
export type RequestLogListener = (rows: readonly LoggedRequest[]) => void;

/**
 * request_log, one row per routed request: the recorder appends in batches, the optimizer reads outcome
 * aggregates (rewards include the callers' feedback) and records feedback, the read tools page and
 * aggregate it, and listeners hear of every row stored. Nothing else touches the table.
 */
@Injectable()
export class RequestLogService {
  private readonly logger = new Logger('RequestLog');
  private readonly listeners = new Set<RequestLogListener>();

  constructor(
    private readonly log: RequestLogRepository,
    private readonly reads: RequestLogReadsRepository,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** Appends a batch; a request id already logged is skipped, so a retried flush is harmless. Returns rows added. */
  async append(rows: readonly RequestLogInput[]): Promise<number> {
    if (this.listeners.size === 0) return this.log.insert(rows);
    const ids = new Set(await this.log.insertReturningIds(rows));
    if (ids.size > 0) this.emit(rows.filter((r) => ids.has(r.id)).map(storedForm));
    return ids.size;
  }

  /** Listens to the rows stored from now on; returns the unsubscribe function. */
  subscribe(listener: RequestLogListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
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

  /** Sets the judge's grade (0-1) of a logged request; false when no logged request has this id (yet). */
  setJudgeScore(requestId: string, score: number): Promise<boolean> {
    return this.log.setJudgeScore(requestId, score);
  }

  /** Rows matching the filter, newest first, and their total. */
  page(filter: RequestLogFilter, limit: number, offset: number): Promise<{ items: LoggedRequest[]; total: number }> {
    return this.reads.page(filter, limit, offset);
  }

  /** Traffic per bucket of the window (by model, layer or all together) and its totals. */
  async usage(
    window: UsageWindow,
    groupBy: UsageGroup,
  ): Promise<WindowBounds & { buckets: UsageBucket[]; totals: UsageTotals }> {
    const bounds = windowBounds(window);
    const [buckets, totals] = await Promise.all([
      this.reads.usageBuckets(bounds.from, bounds.bucketSeconds, groupBy),
      this.reads.usageTotals(bounds.from),
    ]);
    return { ...bounds, buckets, totals };
  }

  /**
   * Quality per model and bucket of the window. `judgeEnabled` is true when a judge grades answers
   * (optimizer.judge) and request_log stores its scores.
   */
  async quality(
    window: UsageWindow,
    model?: string,
  ): Promise<WindowBounds & { buckets: QualityBucket[]; judgeEnabled: boolean }> {
    const bounds = windowBounds(window);
    const [buckets, stored] = await Promise.all([
      this.reads.qualityBuckets(bounds.from, bounds.bucketSeconds, model),
      this.reads.hasJudgeScores(),
    ]);
    return { ...bounds, buckets, judgeEnabled: stored && judgeConfigured(this.config) };
  }

  private emit(rows: readonly LoggedRequest[]): void {
    for (const listener of this.listeners) {
      try {
        listener(rows);
      } catch (err) {
        this.logger.warn(`a request log listener failed: ${(err as Error).message}`);
      }
    }
  }
}

/** The row as request_log holds it (the recorder already freed its text of NUL). */
function storedForm(r: RequestLogInput): LoggedRequest {
  return {
    id: r.id,
    ts: r.ts,
    taskType: r.taskType,
    layer: r.layer,
    model: r.model,
    ruleId: r.ruleId ?? null,
    strategyArm: r.strategyArm ?? null,
    tokensIn: finiteOr0(r.tokensIn),
    tokensOut: finiteOr0(r.tokensOut),
    cost: finiteOr0(r.cost),
    latencyMs: finiteOr0(r.latencyMs),
    success: r.success,
    errorClass: r.errorClass ?? null,
    feedbackScore: r.feedbackScore ?? null,
    attempts: finiteOr0(r.attempts ?? 1),
    stream: r.stream ?? false,
  };
}

function finiteOr0(v: number | undefined): number {
  return v !== undefined && Number.isFinite(v) ? Math.max(0, v) : 0;
}

/** Whether a judge model grades answers (optimizer.judge: a model and a sample rate above 0). */
function judgeConfigured(config: GatewayConfig): boolean {
  const judge = config.optimizer.judge;
  return judge.model !== undefined && judge.sampleRate > 0;
}
