import type { Tally } from './replay';

/** A run's figures against always calling the strong model, on the same requests. */
export interface Figures {
  /** Quality relative to always-strong. */
  quality: number;
  /** Cost relative to always-strong (model calls only). */
  cost: number;
  strongShare: number;
  /** Performance gap recovered: (q - q_weak) / (q_strong - q_weak). */
  pgr: number;
  /** Share of requests the judge graded, and its cost relative to always-strong (judge mode). */
  judgeShare: number;
  judgeCost: number;
  exploredShare: number;
}

export function figures(t: Tally): Figures {
  const gap = t.qualityStrong - t.qualityWeak;
  return {
    quality: t.quality / t.qualityStrong,
    cost: t.cost / t.costStrong,
    strongShare: t.strongCalls / t.requests,
    pgr: gap !== 0 ? (t.quality - t.qualityWeak) / gap : NaN,
    judgeShare: t.judgeCalls / t.requests,
    judgeCost: t.judgeCost / t.costStrong,
    exploredShare: t.explored / t.requests,
  };
}

export interface CurvePoint {
  strongShare: number;
  pgr: number;
}

/** The PGR curve over strong-call share 0..1: the points sorted, anchored at always-weak (0, 0) and always-strong (1, 1). */
function curve(points: readonly CurvePoint[]): CurvePoint[] {
  const inner = points.filter((p) => p.strongShare > 0 && p.strongShare < 1 && Number.isFinite(p.pgr));
  return [
    { strongShare: 0, pgr: 0 },
    ...[...inner].sort((a, b) => a.strongShare - b.strongShare),
    { strongShare: 1, pgr: 1 },
  ];
}

/** RouteLLM's APGR: the area under PGR as the strong-call share sweeps 0..1 (trapezoids; a random router scores 0.5). */
export function apgr(points: readonly CurvePoint[]): number {
  const c = curve(points);
  let area = 0;
  for (let i = 1; i < c.length; i++)
    area += ((c[i].strongShare - c[i - 1].strongShare) * (c[i].pgr + c[i - 1].pgr)) / 2;
  return area;
}

/** RouteLLM's CPT(x): the strong-call share at which the curve first reaches PGR x (linear between points). */
export function cpt(points: readonly CurvePoint[], target: number): number {
  const c = curve(points);
  for (let i = 1; i < c.length; i++) {
    const a = c[i - 1];
    const b = c[i];
    if (b.pgr < target) continue;
    if (a.pgr >= target) return a.strongShare;
    return a.strongShare + ((target - a.pgr) / (b.pgr - a.pgr)) * (b.strongShare - a.strongShare);
  }
  return 1;
}
