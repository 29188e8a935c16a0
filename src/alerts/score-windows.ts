/** Grades of one subject in one time bucket. */
interface Bucket {
  start: number;
  n: number;
  sum: number;
}

export interface ScoreThresholds {
  windowMs: number;
  baselineMs: number;
  /** Grades the window and the baseline each need before they are compared. */
  minSamples: number;
  /** Alert when the window's mean grade is this much (absolute) below the baseline's. */
  scoreDrop: number;
}

export interface ScoreDrop {
  value: number;
  baseline: number;
  window: { grades: number; mean: number };
  trailing: { grades: number; mean: number };
}

const BUCKET_MS = 60_000;

/**
 * Each subject's grades (0..1, e.g. the judge's of a model's answers) in one-minute buckets over the
 * trailing baseline and the recent window: O(1) per grade, one pass per check. A drop is the window's
 * mean against the subject's own trailing mean; nothing is judged on thin evidence.
 */
export class ScoreWindows {
  private readonly bySubject = new Map<string, Bucket[]>();

  constructor(private readonly t: ScoreThresholds) {}

  add(subject: string, score: number, at: number): void {
    const start = at - (at % BUCKET_MS);
    const buckets = this.bySubject.get(subject) ?? [];
    let last = buckets[buckets.length - 1];
    if (!last || last.start !== start) {
      last = { start, n: 0, sum: 0 };
      buckets.push(last);
      this.bySubject.set(subject, buckets);
    }
    last.n++;
    last.sum += score;
  }

  subjects(): string[] {
    return [...this.bySubject.keys()];
  }

  /** Drops buckets older than the baseline; the subject's drop at `now`, if any. */
  judge(subject: string, now: number): ScoreDrop | undefined {
    const kept = (this.bySubject.get(subject) ?? []).filter(
      (b) => b.start >= now - this.t.windowMs - this.t.baselineMs,
    );
    if (kept.length === 0) {
      this.bySubject.delete(subject);
      return undefined;
    }
    this.bySubject.set(subject, kept);
    const cut = now - this.t.windowMs;
    const window = mean(kept.filter((b) => b.start + BUCKET_MS > cut));
    const trailing = mean(kept.filter((b) => b.start + BUCKET_MS <= cut));
    if (window.grades < this.t.minSamples || trailing.grades < this.t.minSamples) return undefined;
    if (trailing.mean - window.mean < this.t.scoreDrop) return undefined;
    return { value: window.mean, baseline: trailing.mean, window, trailing };
  }
}

function mean(buckets: readonly Bucket[]): { grades: number; mean: number } {
  let n = 0;
  let sum = 0;
  for (const b of buckets) {
    n += b.n;
    sum += b.sum;
  }
  return { grades: n, mean: n ? sum / n : 0 };
}
