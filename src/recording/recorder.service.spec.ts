import type { BugPatternsService } from '../bug-patterns/bug-patterns.service';
import { gatewayConfigSchema } from '../config/config.schema';
import type { ModelPerformanceService } from '../model-performance/model-performance.service';
import type { HealthService } from '../observability/health.service';
import { MetricsService } from '../observability/metrics.service';
import type { RegressionTestsService } from '../regression-tests/regression-tests.service';
import type { RequestLogService } from '../request-log/request-log.service';
import { RecorderService } from './recorder.service';
import { RecordingMetrics } from './recording-metrics';
import type { FailureRecord, RequestRecord } from './recording.types';

function record(i: number, success = true): RequestRecord {
  return {
    id: `r${i}`,
    ts: Date.now(),
    taskType: 'chat',
    layer: 'fast',
    model: 'm',
    ruleId: null,
    strategyArm: null,
    tokensIn: 10,
    tokensOut: 5,
    cost: 0.001,
    latencyMs: 3,
    success,
    errorClass: success ? null : 'upstream_error',
    attempts: 1,
    stream: false,
    calls: [{ modelId: 'm', success, latencyMs: 3, cost: 0.001 }],
  };
}

function failure(message: string): FailureRecord {
  return {
    scope: 'attempt',
    requestId: 'r1',
    ts: Date.now(),
    kind: 'upstream',
    message,
    model: 'm',
    provider: 'p',
    status: 500,
    taskType: 'chat',
    layer: 'fast',
    ruleId: null,
    snapshot: {
      model: 'auto',
      messages: [{ role: 'user', content: 'secret text' }],
      params: { temperature: 1, api_key: 'sk-123' },
      stream: false,
    },
  };
}

function setup(maxBuffered = 1000) {
  const config = gatewayConfigSchema.parse({ recording: { batchSize: 3, maxBuffered, flushIntervalMs: 60000 } });
  let down = false;
  const logged: string[] = [];
  const calls: unknown[] = [];
  let onAppend: (() => void) | undefined;
  const analytics = {
    recordModelCalls: (c: unknown[]) => {
      if (down) return Promise.reject(new Error('connection refused'));
      calls.push(...c);
      return Promise.resolve([]);
    },
    append: (rows: { id: string }[]) => {
      if (down) return Promise.reject(new Error('connection refused'));
      logged.push(...rows.map((r) => r.id));
      onAppend?.();
      return Promise.resolve(rows.length);
    },
  };
  const seen = new Set<string>();
  const bugs: Array<{ category: string; pattern: string }> = [];
  const bugPatterns = {
    record: (b: { category: string; pattern: string }) => {
      if (down) return Promise.reject(new Error('connection refused'));
      bugs.push(b);
      const isNew = !seen.has(b.pattern);
      seen.add(b.pattern);
      return Promise.resolve({ row: { fingerprint: `fp-${b.pattern.length}-${bugs.length}` }, isNew });
    },
  } as unknown as BugPatternsService;
  type ExportedTest = {
    replay: { body: { messages: Array<{ content: unknown }>; [key: string]: unknown } };
    testCode: string;
  };
  const tests: ExportedTest[] = [];
  const regressionTests = {
    createFromFailure: (t: ExportedTest) => {
      tests.push(t);
      return Promise.resolve({ created: true, test: t });
    },
  } as unknown as RegressionTestsService;
  const health = { register: () => undefined } as unknown as HealthService;
  const metricsService = new MetricsService();
  const recorder = new RecorderService(
    config,
    analytics as unknown as ModelPerformanceService,
    analytics as unknown as RequestLogService,
    bugPatterns,
    regressionTests,
    new RecordingMetrics(metricsService),
    health,
    metricsService,
  );
  const whileAppending = (hook: () => void) => (onAppend = hook);
  return { recorder, logged, calls, bugs, tests, metricsService, whileAppending, setDown: (v: boolean) => (down = v) };
}

describe('RecorderService', () => {
  it('writes request_log and model calls in batches on flush', async () => {
    const t = setup();
    for (let i = 0; i < 7; i++) t.recorder.recordRequest(record(i));
    await t.recorder.flush();
    expect(t.logged).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
    expect(t.calls).toHaveLength(7);
    expect(t.recorder.pending).toEqual({ requests: 0, failures: 0 });
    expect(await t.metricsService.render()).toMatch(
      /gateway_routed_requests_total\{model="m",layer="fast",outcome="success"\} 7/,
    );
  });

  it('writes what was queued when a flush began; a record arriving meanwhile waits for a full batch or the next tick', async () => {
    const t = setup(); // batchSize 3
    let next = 2;
    t.whileAppending(() => next < 6 && t.recorder.recordRequest(record(next++))); // one arrival per write
    t.recorder.recordRequest(record(0));
    t.recorder.recordRequest(record(1));
    await t.recorder.flush();
    // Chasing arrivals wrote r2, r3, r4, r5 one batch each (at 1,000 req/s: ~150 tiny batches a second).
    expect(t.logged).toEqual(['r0', 'r1']);
    expect(t.recorder.pending.requests).toBe(1);
    t.whileAppending(() => {
      while (next < 9) t.recorder.recordRequest(record(next++)); // a full batch arrives: written in the same pass
    });
    await t.recorder.flush();
    expect(t.logged).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8']);
  });

  it('tells whether a request id is still queued or being written', async () => {
    const t = setup();
    t.recorder.recordRequest(record(0));
    expect(t.recorder.isPending('r0')).toBe(true);
    expect(t.recorder.isPending('r9')).toBe(false);
    const flushed = t.recorder.flush();
    expect(t.recorder.pending.requests).toBe(0);
    expect(t.recorder.isPending('r0')).toBe(true);
    await flushed;
    expect(t.logged).toEqual(['r0']);
    expect(t.recorder.isPending('r0')).toBe(false);
  });

  it('written(id) writes a still-queued request before it resolves, and leaves the queue alone otherwise', async () => {
    const t = setup();
    t.recorder.recordRequest(record(0));
    await t.recorder.written('r9');
    expect(t.logged).toEqual([]);
    await t.recorder.written('r0');
    expect(t.logged).toEqual(['r0']);
    expect(t.recorder.isPending('r0')).toBe(false);
  });

  it('keeps batches queued while the database is down and writes them all once it is back', async () => {
    const t = setup();
    t.setDown(true);
    for (let i = 0; i < 5; i++) t.recorder.recordRequest(record(i));
    t.recorder.recordFailure(failure('boom'));
    await t.recorder.flush();
    expect(t.logged).toEqual([]);
    expect(t.recorder.pending).toEqual({ requests: 5, failures: 1 });
    t.setDown(false);
    await t.recorder.flush();
    expect(t.logged.sort()).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
    expect(t.calls).toHaveLength(5);
    expect(t.bugs).toHaveLength(1);
    expect(t.recorder.pending).toEqual({ requests: 0, failures: 0 });
  });

  it('drops the oldest records past maxBuffered, and counts them', async () => {
    const t = setup(4);
    t.setDown(true);
    for (let i = 0; i < 6; i++) t.recorder.recordRequest(record(i));
    await t.recorder.flush();
    t.setDown(false);
    await t.recorder.flush();
    expect(t.logged.length).toBeLessThanOrEqual(4);
    expect(t.logged).toContain('r5');
    expect(await t.metricsService.render()).toMatch(/gateway_recording_dropped_total\{kind="requests"\} [1-9]/);
  });

  it('a failure becomes a bug pattern; a new fingerprint also a redacted regression test', async () => {
    const t = setup();
    t.recorder.recordFailure(failure('upstream answered 500 on port 43121'));
    t.recorder.recordFailure(failure('upstream answered 500 on port 43121'));
    await t.recorder.flush();
    expect(t.bugs.map((b) => b.category)).toEqual(['provider:upstream', 'provider:upstream']);
    expect(t.tests).toHaveLength(1);
    const test = t.tests[0];
    expect(test).toMatchObject({ category: 'routing', discoveredFrom: 'bug' });
    expect(test.replay.body.messages[0].content).toBe('[redacted: 11 chars]');
    expect(test.replay.body.api_key).toBeUndefined();
    expect(test.replay.body.temperature).toBe(1);
    expect(test.testCode).toContain('provider:upstream');
  });

  it('shutdown flushes everything pending', async () => {
    const t = setup();
    for (let i = 0; i < 2; i++) t.recorder.recordRequest(record(i));
    await t.recorder.beforeApplicationShutdown();
    expect(t.logged).toEqual(['r0', 'r1']);
  });
});
