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
  let n = 0;
  for (const b of buckets) {
    calls += b.calls;
    ok += b.ok;
    n += b.latencies.length;
  }
  return { calls, successRate: calls ? ok / calls : 1, p95Ms: n ? p95(buckets, n) : null };
}

/**
 * The p95 of the buckets' latencies (the value at index floor(0.95 n) in sorted order), by selection: a
 * full baseline holds 72,000 latencies a model, and sorting them on every check stalled the event loop for
 * 55-106 ms every 10 s.
 */
function p95(buckets: readonly Bucket[], n: number): number {
  const all = new Float64Array(n);
  let at = 0;
  for (const b of buckets) {
    all.set(b.latencies, at);
    at += b.latencies.length;
  }
  return nthSmallest(all, Math.min(n - 1, Math.floor(n * 0.95)));
}

/** The k-th smallest value (0-based) in O(n) on average: quickselect, reordering `values`. */
export function nthSmallest(values: Float64Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const pivot = medianOf3(values[lo], values[(lo + hi) >>> 1], values[hi]);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        const swap = values[i];
        values[i++] = values[j];
        values[j--] = swap;
      }
    }
    // [lo, j] <= pivot, [i, hi] >= pivot, and anything between equals the pivot.
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k];
  }
  return values[k];
}

function medianOf3(a: number, b: number, c: number): number {
  return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
}
