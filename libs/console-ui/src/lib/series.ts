/** Shapes the usage and quality series for uPlot: one x axis of bucket starts, gaps filled. */

/** Bucket starts (unix seconds) from `from` up to `to`, every `bucketSeconds`. */
export function bucketAxis(fromIso: string, toIso: string, bucketSeconds: number): number[] {
  const from = Math.floor(new Date(fromIso).getTime() / 1000);
  const to = Math.floor(new Date(toIso).getTime() / 1000);
  const axis: number[] = [];
  for (let t = from; t < to; t += bucketSeconds) axis.push(t);
  return axis;
}

/**
 * Values of one series on the axis. Buckets the gateway did not list had no requests: `empty` is what
 * they show (0 for counts and cost, null for a rate or a latency, which has no value there).
 */
export function alignToAxis<P extends { t: string }>(
  axis: number[],
  points: readonly P[],
  value: (p: P) => number | null,
  empty: number | null,
): (number | null)[] {
  const byT = new Map(points.map((p) => [Math.floor(new Date(p.t).getTime() / 1000), p]));
  return axis.map((t) => {
    const p = byT.get(t);
    return p ? value(p) : empty;
  });
}
