import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { BugPatternsService } from '../bug-patterns/bug-patterns.service';
import { yieldToEventLoop } from '../common/event-loop';
import { GATEWAY_CONFIG } from '../config/config.module';
import { databaseUnavailableReason } from '../database/database.errors';
import type { GatewayConfig } from '../config/config.schema';
import { HealthService } from '../observability/health.service';
import { MetricsService } from '../observability/metrics.service';
import { ModelPerformanceService } from '../model-performance/model-performance.service';
import { RegressionTestsService } from '../regression-tests/regression-tests.service';
import { RequestLogService } from '../request-log/request-log.service';
import { backoffDelay } from '../common/backoff';
import { bugOf, regressionTestOf } from './failure-reporter';
import { modelCallsOf, toRequestLog, withoutNul } from './recorded-rows';
import { RecordingMetrics } from './recording-metrics';
import type { FailureRecord, RequestRecord } from './recording.types';

const FAILURES_PER_FLUSH = 200; // each a bug-pattern upsert, and a test insert when new
const SHUTDOWN_ATTEMPTS = 3; // tries to write what is pending before giving up (database gone)
/** Retries after a failed write wait flushIntervalMs, doubling per failure up to this (plus or minus 20 % jitter). */
const MAX_RETRY_DELAY_MS = 5000;
/** While records are being dropped, one log line per this interval (with the count since the last line). */
const DROP_LOG_INTERVAL_MS = 5000;

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
  private writing: readonly RequestRecord[] = []; // out of the queue, not yet in request_log
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private scheduled = false;
  droppedTotal = 0; // since start: buffer full, or refused by the database
  private readonly listeners: Array<(record: RequestRecord) => void> = [];
  private droppedUnlogged = 0;
  private lastDropLog = 0;
  private lastError?: string;
  private failedWrites = 0; // consecutive; retryAt: when the timer may try again (flush() does not wait)
  private retryAt = 0;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly modelPerformance: ModelPerformanceService,
    private readonly requestLog: RequestLogService,
    private readonly bugPatterns: BugPatternsService,
    private readonly regressionTests: RegressionTestsService,
    private readonly metrics: RecordingMetrics,
    private readonly health: HealthService,
    private readonly metricsService: MetricsService,
  ) {}

  onModuleInit(): void {
    this.health.register('recorder', () => this.status());
    this.metrics.trackBuffered(this.metricsService, () => this.requests.length + this.failures.length);
    this.timer = setInterval(() => this.schedule(), this.config.recording.flushIntervalMs);
    this.timer.unref();
  }

  /** `listener` sees every routed request as it is queued (synchronously: keep it O(1), never throw). */
  onRecord(listener: (record: RequestRecord) => void): void {
    this.listeners.push(listener);
  }

  /** Queues one routed request (O(1), no I/O). */
  recordRequest(record: RequestRecord): void {
    for (const listener of this.listeners) listener(record);
    this.requests.push(record);
    this.unmetered.push(record);
    if (this.unmetered.length > this.config.recording.maxBuffered) this.unmetered.shift();
    if (this.requests.length > this.config.recording.maxBuffered)
      this.drop('requests', this.requests, this.requests.length - this.config.recording.maxBuffered);
    if (this.requests.length >= this.config.recording.batchSize) this.schedule();
  }

  /** Queues a failed attempt or request for a bug pattern (and a regression test when new). */
  recordFailure(failure: FailureRecord): void {
    this.failures.push(failure);
    if (this.failures.length > this.config.recording.maxBuffered)
      this.drop('failures', this.failures, this.failures.length - this.config.recording.maxBuffered);
  }

  get pending(): { requests: number; failures: number } {
    return { requests: this.requests.length, failures: this.failures.length };
  }

  /** True while the request `id` is queued or being written (not yet in request_log). */
  isPending(id: string): boolean {
    return this.requests.some((r) => r.id === id) || this.writing.some((r) => r.id === id);
  }

  /**
   * Before updating request `id`'s row (feedback, a judge's grade): writes it first when it is still queued
   * or being written. Pending is asked before the update: asked after, a batch that commits while the
   * update runs is missed.
   */
  async written(id: string): Promise<void> {
    if (this.isPending(id)) await this.flush();
  }

  /** Writes everything pending now (tests, shutdown). Concurrent callers share one pass; never throws. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    this.flushing = this.flushOnce().finally(() => (this.flushing = undefined));
    await this.flushing;
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    const unwritten = () => this.requests.length > 0 || this.failures.length > 0 || this.unmetered.length > 0;
    for (let i = 0; i < SHUTDOWN_ATTEMPTS && unwritten(); i++) await this.flush();
    this.logDrops(true);
    const left = this.pending;
    if (left.requests > 0 || left.failures > 0)
      this.logger.error(
        `shutdown: ${left.requests} request records and ${left.failures} failures could not be written (${this.lastError})`,
      );
  }

  private schedule(): void {
    if (this.scheduled || Date.now() < this.retryAt) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flushOnce(): Promise<void> {
    this.meter();
    const batchSize = this.config.recording.batchSize;
    // What was queued when this pass began is written; what arrives meanwhile waits for a full batch or the next
    // tick. Chasing it instead wrote a batch of the 2-3 requests that came in during the last write, again and
    // again: at 1,000 req/s about 150 tiny batches a second and a third of a core in PGlite.
    let due = this.requests.length;
    let ok = true;
    for (let first = true; ok && (due > 0 || this.requests.length >= batchSize); first = false) {
      // Requests waiting on the event loop go first: each batch is serialised on this thread (and, with PGlite in
      // process, its statement runs on it).
      if (!first) await yieldToEventLoop();
      due -= Math.min(batchSize, this.requests.length);
      ok = await this.writeBatch();
    }
    if (ok) ok = await this.writeFailures();
    if (ok) this.succeeded();
    else this.backOff();
    this.logDrops(false);
  }

  /** The database refused a write: the timer waits longer before each new try, so a down database is not hammered. */
  private backOff(): void {
    this.failedWrites++;
    const flushMs = this.config.recording.flushIntervalMs;
    // Equal jitter from twice the interval: the first retry never comes sooner than a regular flush.
    const maxMs = Math.max(MAX_RETRY_DELAY_MS, flushMs);
    this.retryAt = Date.now() + backoffDelay(this.failedWrites, { baseMs: 2 * flushMs, maxMs });
  }

  private succeeded(): void {
    if (this.failedWrites > 0)
      this.logger.log(
        `the database takes writes again after ${this.failedWrites} failed attempt(s); ${this.requests.length + this.failures.length} records still queued`,
      );
    this.failedWrites = 0;
    this.retryAt = 0;
    this.lastError = undefined;
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
    this.writing = batch;
    try {
      return await this.writeRecords(batch);
    } catch (err) {
      // Not an outage: a record the database refuses would block the queue for ever if retried; isolate it, write the rest, drop it.
      if (batch.length === 1) return this.poisoned('requests', err);
      for (let i = 0; i < batch.length; i++) {
        try {
          if (!(await this.writeRecords(batch.slice(i, i + 1))))
            return this.requeue(batch.slice(i + 1), this.lastError);
        } catch (inner) {
          this.poisoned('requests', inner);
        }
      }
      return true;
    } finally {
      this.writing = [];
    }
  }

  /** Writes one batch; false (and requeued) when the database is down; throws for any other error (a value it refuses). */
  private async writeRecords(batch: RequestRecord[]): Promise<boolean> {
    const calls = modelCallsOf(batch);
    if (calls.length > 0) {
      try {
        await this.modelPerformance.recordModelCalls(calls);
      } catch (err) {
        if (!databaseUnavailableReason(err)) throw err;
        return this.requeue(batch, err);
      }
    }
    try {
      await this.requestLog.append(batch.map(toRequestLog));
    } catch (err) {
      if (!databaseUnavailableReason(err)) throw err;
      // model_performance is in: requeue only the log rows (their calls are already counted).
      return this.requeue(
        batch.map((r) => (r.calls.length ? { ...r, calls: [] } : r)),
        err,
      );
    }
    this.lastError = undefined;
    return true;
  }

  /** A record Postgres refuses (not an outage): dropped, counted and logged, so it cannot block the queue. */
  private poisoned(what: 'requests' | 'failures', err: unknown): true {
    this.droppedTotal++;
    this.metrics.dropped(`${what}_refused`, 1);
    this.logger.error(
      `the database refused a recorded ${what === 'requests' ? 'request' : 'failure'} (${(err as Error)?.message}); it is dropped`,
    );
    return true;
  }

  private requeue(batch: RequestRecord[], err: unknown): boolean {
    this.lastError = typeof err === 'string' ? err : (err as Error)?.message;
    this.logger.warn(
      `writing ${batch.length} request records failed (${this.lastError}); they stay queued and are retried`,
    );
    this.requests = batch.concat(this.requests);
    const excess = this.requests.length - this.config.recording.maxBuffered;
    if (excess > 0) this.drop('requests', this.requests, excess);
    return false;
  }

  private async writeFailures(): Promise<boolean> {
    const batch = this.failures.splice(0, FAILURES_PER_FLUSH);
    for (let i = 0; i < batch.length; i++) {
      try {
        await this.reportFailure(batch[i]);
      } catch (err) {
        if (!databaseUnavailableReason(err)) {
          this.poisoned('failures', err);
          continue;
        }
        this.lastError = (err as Error).message;
        this.logger.warn(`recording a failure as a bug pattern failed (${this.lastError}); retried later`);
        this.failures = batch.slice(i).concat(this.failures);
        return false;
      }
    }
    return true;
  }

  private async reportFailure(f: FailureRecord): Promise<void> {
    const bug = withoutNul(bugOf(f));
    const { row, isNew } = await this.bugPatterns.record(bug);
    this.metrics.failure(bug.category, isNew);
    if (!isNew) return;
    await this.regressionTests.createFromFailure(
      withoutNul(regressionTestOf(f, bug, row.fingerprint, this.config.recording.redactContent)),
    );
  }

  private drop(what: 'requests' | 'failures', queue: unknown[], count: number): void {
    queue.splice(0, count);
    this.droppedTotal += count;
    this.droppedUnlogged += count;
    this.metrics.dropped(what, count);
    this.logDrops(false);
  }

  /** One error line per DROP_LOG_INTERVAL_MS at most while the buffer overflows (the metric counts every record). */
  private logDrops(force: boolean): void {
    if (this.droppedUnlogged === 0) return;
    const now = Date.now();
    if (!force && now - this.lastDropLog < DROP_LOG_INTERVAL_MS) return;
    this.logger.error(
      `recording buffer full (recording.maxBuffered = ${this.config.recording.maxBuffered}): dropped ${this.droppedUnlogged} records (${this.droppedTotal} since start; metric gateway_recording_dropped_total)`,
    );
    this.droppedUnlogged = 0;
    this.lastDropLog = now;
  }

  private status(): Record<string, unknown> {
    return {
      degraded: this.lastError !== undefined,
      buffered: this.requests.length,
      failuresBuffered: this.failures.length,
      maxBuffered: this.config.recording.maxBuffered,
      dropped: this.droppedTotal,
      failedWrites: this.failedWrites,
      nextRetryInMs: Math.max(0, this.retryAt - Date.now()),
      lastError: this.lastError ?? null,
    };
  }
}
