import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AnalyticsService, type ModelCall, type RequestLogInput } from '../analytics/analytics.service';
import { BugPatternsService } from '../bug-patterns/bug-patterns.service';
import { GATEWAY_CONFIG } from '../config/config.module';
import type { GatewayConfig } from '../config/config.schema';
import { HealthService } from '../health/health.service';
import { MetricsService } from '../health/metrics.service';
import { RegressionTestsService } from '../regression-tests/regression-tests.service';
import { bugOf, regressionTestOf } from './failure-reporter';
import { PerformanceSnapshot } from './performance-snapshot.service';
import { RecordingMetrics } from './recording-metrics';
import type { FailureRecord, RequestRecord } from './recording.types';

/** Failures handled per flush (each is a bug-pattern upsert, and a test insert when new). */
const FAILURES_PER_FLUSH = 200;
/** Shutdown tries this many times to write what is pending before giving up (database gone). */
const SHUTDOWN_ATTEMPTS = 3;

/**
 * Records every routed request off the response path: record*() only appends to bounded in-memory
 * queues; a timer (or a full batch) writes request_log, model_performance, metrics, bug patterns and
 * regression tests. A failed write puts the batch back to be retried; past maxBuffered the oldest
 * entries are dropped and counted. Nothing here ever throws into a request.
 */
@Injectable()
export class RecorderService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('Recorder');
  private requests: RequestRecord[] = [];
  private failures: FailureRecord[] = [];
  private unmetered: RequestRecord[] = [];
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private scheduled = false;
  private dropped = 0;
  private lastError?: string;
  private readonly metrics: RecordingMetrics;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly analytics: AnalyticsService,
    private readonly snapshot: PerformanceSnapshot,
    private readonly bugPatterns: BugPatternsService,
    private readonly regressionTests: RegressionTestsService,
    metrics: RecordingMetrics,
    private readonly health: HealthService,
    private readonly metricsService: MetricsService,
  ) {
    this.metrics = metrics;
  }

  onModuleInit(): void {
    this.health.register('recorder', () => this.status());
    this.metrics.trackBuffered(this.metricsService, () => this.requests.length + this.failures.length);
    this.timer = setInterval(() => this.schedule(), this.config.recording.flushIntervalMs);
    this.timer.unref();
  }

  /** Queues one routed request (O(1), no I/O). */
  recordRequest(record: RequestRecord): void {
    this.requests.push(record);
    this.unmetered.push(record);
    if (this.unmetered.length > this.config.recording.maxBuffered) this.unmetered.shift();
    if (this.requests.length > this.config.recording.maxBuffered) this.drop('requests', this.requests, this.requests.length - this.config.recording.maxBuffered);
    if (this.requests.length >= this.config.recording.batchSize) this.schedule();
  }

  /** Queues a failed attempt or request for a bug pattern (and a regression test when new). */
  recordFailure(failure: FailureRecord): void {
    this.failures.push(failure);
    if (this.failures.length > this.config.recording.maxBuffered) this.drop('failures', this.failures, this.failures.length - this.config.recording.maxBuffered);
  }

  get pending(): { requests: number; failures: number } {
    return { requests: this.requests.length, failures: this.failures.length };
  }

  /** Writes everything pending now (tests, shutdown). Concurrent callers share one pass; never throws. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    this.flushing = this.flushOnce().finally(() => (this.flushing = undefined));
    await this.flushing;
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    for (let i = 0; i < SHUTDOWN_ATTEMPTS && (this.requests.length > 0 || this.failures.length > 0 || this.unmetered.length > 0); i++) {
      await this.flush();
    }
    const left = this.pending;
    if (left.requests > 0 || left.failures > 0) this.logger.error(`shutdown: ${left.requests} request records and ${left.failures} failures could not be written (${this.lastError})`);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flushOnce(): Promise<void> {
    this.meter();
    let ok = true;
    while (ok && this.requests.length > 0) ok = await this.writeBatch();
    if (ok) await this.writeFailures();
  }

  private meter(): void {
    if (this.unmetered.length === 0) return;
    const batch = this.unmetered;
    this.unmetered = [];
    try {
      this.metrics.observe(batch);
    } catch (err) {
      this.logger.warn(`updating metrics failed: ${(err as Error).message}`);
    }
  }

  private async writeBatch(): Promise<boolean> {
    const batch = this.requests.splice(0, this.config.recording.batchSize);
    const calls = modelCallsOf(batch);
    if (calls.length > 0) {
      try {
        this.snapshot.apply(await this.analytics.recordModelCalls(calls));
      } catch (err) {
        return this.requeue(batch, err);
      }
    }
    try {
      await this.analytics.insertRequestLogs(batch.map(toRequestLog));
    } catch (err) {
      // model_performance is in: requeue only the log rows (their calls are already counted).
      return this.requeue(batch.map((r) => (r.calls.length ? { ...r, calls: [] } : r)), err);
    }
    this.lastError = undefined;
    return true;
  }

  private requeue(batch: RequestRecord[], err: unknown): boolean {
    this.lastError = (err as Error).message;
    this.logger.warn(`writing ${batch.length} request records failed (${this.lastError}); they stay queued and are retried`);
    this.requests = batch.concat(this.requests);
    const excess = this.requests.length - this.config.recording.maxBuffered;
    if (excess > 0) this.drop('requests', this.requests, excess);
    return false;
  }

  private async writeFailures(): Promise<void> {
    const batch = this.failures.splice(0, FAILURES_PER_FLUSH);
    for (let i = 0; i < batch.length; i++) {
      try {
        await this.reportFailure(batch[i]);
      } catch (err) {
        this.lastError = (err as Error).message;
        this.logger.warn(`recording a failure as a bug pattern failed (${this.lastError}); retried later`);
        this.failures = batch.slice(i).concat(this.failures);
        return;
      }
    }
  }

  private async reportFailure(f: FailureRecord): Promise<void> {
    const bug = bugOf(f);
    const { row, isNew } = await this.bugPatterns.record(bug);
    this.metrics.failure(bug.category, isNew);
    if (!isNew) return;
    await this.regressionTests.createFromFailure(regressionTestOf(f, bug, row.fingerprint, this.config.recording.redactContent));
  }

  private drop(what: 'requests' | 'failures', queue: unknown[], count: number): void {
    queue.splice(0, count);
    this.dropped += count;
    this.metrics.dropped(what, count);
    this.logger.error(`recording buffer full (recording.maxBuffered = ${this.config.recording.maxBuffered}): dropped the ${count} oldest ${what}`);
  }

  private status(): Record<string, unknown> {
    return { degraded: this.lastError !== undefined, buffered: this.requests.length, failuresBuffered: this.failures.length, dropped: this.dropped, lastError: this.lastError ?? null };
  }
}

/** Every model call of a batch, with its request's task type (the analytics service sums them per key). */
export function modelCallsOf(batch: readonly RequestRecord[]): ModelCall[] {
  const out: ModelCall[] = [];
  for (const r of batch) for (const c of r.calls) out.push({ modelId: c.modelId, taskType: r.taskType, success: c.success, latencyMs: c.latencyMs, cost: c.cost });
  return out;
}

function toRequestLog(r: RequestRecord): RequestLogInput {
  return {
    id: r.id,
    ts: new Date(r.ts),
    taskType: r.taskType,
    layer: r.layer,
    model: r.model,
    ruleId: r.ruleId,
    strategyArm: r.strategyArm,
    tokensIn: r.tokensIn,
    tokensOut: r.tokensOut,
    cost: r.cost,
    latencyMs: r.latencyMs,
    success: r.success,
    errorClass: r.errorClass,
    attempts: r.attempts,
    stream: r.stream,
  };
}
