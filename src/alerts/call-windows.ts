/** Calls of one model in one time bucket. */
interface Bucket {
  start: number;
  calls: number;
  ok: number;
  /** Latencies of successful calls (at most MAX_LATENCIES per bucket: enough for a p95). */
  latencies: number[];
}

export interface WindowStats {
  calls: number;
  successRate: number;
  p95Ms: number | null;
}

export interface Degradation {
  kind: 'model_success_degraded' | 'model_latency_degraded';
  value: number;
  baseline: number;
  window: WindowStats;
  trailing: WindowStats;
  /** True when the baseline had too few calls and a perfect one was assumed. */
  assumedBaseline: boolean;
}

export interface Thresholds {
  windowMs: number;
  baselineMs: number;
  minSamples: number;
  successDrop: number;
  latencyFactor: number;
}

const BUCKET_MS = 5000;
const MAX_LATENCIES = 200;

/**
 * Each model's calls in 5-second buckets over the trailing baseline and the recent window: O(1) per
 * call, one pass per check. Judges a model's recent window against its own trailing baseline.
 */
export class CallWindows {
  private readonly byModel = new Map<string, Bucket[]>();

  constructor(private readonly t: Thresholds) {}

  add(model: string, success: boolean, latencyMs: number, at: number): void {
    const start = at - (at % BUCKET_MS);
    const buckets = this.byModel.get(model) ?? [];
    let last = buckets[buckets.length - 1];
    if (!last || last.start !== start) {
      last = { start, calls: 0, ok: 0, latencies: [] };
      buckets.push(last);
      this.byModel.set(model, buckets);
    }
    last.calls++;
    if (success) {
      last.ok++;
      if (last.latencies.length < MAX_LATENCIES) last.latencies.push(latencyMs);
    }
  }

  models(): string[] {
    return [...this.byModel.keys()];
  }

  /** Drops buckets older than the baseline; the model's degradations at `now` (none with too few calls). */
  judge(model: string, now: number): Degradation[] {
    const buckets = (this.byModel.get(model) ?? []).filter((b) => b.start >= now - this.t.windowMs - this.t.baselineMs);
    this.byModel.set(model, buckets);
    const cut = now - this.t.windowMs;
    const window = stats(buckets.filter((b) => b.start + BUCKET_MS > cut));
    const trailing = stats(buckets.filter((b) => b.start + BUCKET_MS <= cut));
    if (window.calls < this.t.minSamples) return [];
    const assumed = trailing.calls < this.t.minSamples;
    const out: Degradation[] = [];
    const baseRate = assumed ? 1 : trailing.successRate;
    if (baseRate - window.successRate >= this.t.successDrop)
      out.push({
        kind: 'model_success_degraded',
        value: window.successRate,
        baseline: baseRate,
        window,
        trailing,
        assumedBaseline: assumed,
      });
    if (!assumed && window.p95Ms !== null && trailing.p95Ms !== null && trailing.p95Ms > 0)
      if (window.p95Ms >= trailing.p95Ms * this.t.latencyFactor)
        out.push({
          kind: 'model_latency_degraded',
          value: window.p95Ms,
          baseline: trailing.p95Ms,
          window,
          trailing,
          assumedBaseline: false,
        });
    return out;
  }
}

function stats(buckets: readonly Bucket[]): WindowStats {
  let calls = 0;
  let ok = 0;
  const latencies: number[] = [];
  for (const b of buckets) {
    calls += b.calls;
    ok += b.ok;
    latencies.push(...b.latencies);
  }
  latencies.sort((a, b) => a - b);
  const p95Ms = latencies.length
    ? latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.95))]
    : null;
  return { calls, successRate: calls ? ok / calls : 1, p95Ms };
}
