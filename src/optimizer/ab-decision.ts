import type { ArmMoments } from './outcomes.service';
import type { OptimizerChange } from './rule-scoring';
import { round } from './rule-scoring';
import { compareMeans, Moments } from './stats';

export interface AbDecisionOptions {
  minSample: number;
  confidence: number;
  costWeight: number;
  relativePrice: (model: string) => number;
}

export interface AbDecision {
  winner: 'A' | 'B' | null;
  /** The test ends now: a winner, or no winner once both sides reached the test's maxSample. */
  concluded: boolean;
  evidence: Record<string, unknown>;
}

/**
 * Per-request utility moments of one side: reward minus costWeight x the answering model's relative
 * price, summed from per-model groups (sum u = sum r - n c, sum u^2 = sum r^2 - 2 c sum r + n c^2).
 */
export function utilityMoments(
  groups: readonly ArmMoments[],
  side: string,
  o: AbDecisionOptions,
): Moments & { reward: number } {
  const m = { n: 0, sum: 0, sumSq: 0, reward: 0 };
  for (const g of groups) {
    if (g.arm !== side) continue;
    const c = o.costWeight * o.relativePrice(g.model);
    m.n += g.n;
    m.reward += g.reward;
    m.sum += g.reward - g.n * c;
    m.sumSq += g.rewardSq - 2 * c * g.reward + g.n * c * c;
  }
  return m;
}

/**
 * The A/B test's verdict: a winner only when both sides have minSample requests and the two-sample
 * z-test of their mean utility rejects "no difference" at the configured confidence (two-sided).
 */
export function decideAbTest(
  groups: readonly ArmMoments[],
  o: AbDecisionOptions,
  maxSample: number | null = null,
): AbDecision {
  const a = utilityMoments(groups, 'A', o);
  const b = utilityMoments(groups, 'B', o);
  const test = compareMeans(a, b);
  const evidence: Record<string, unknown> = {
    A: { requests: a.n, successRate: a.n ? round(a.reward / a.n) : null, utility: a.n ? round(a.sum / a.n) : null },
    B: { requests: b.n, successRate: b.n ? round(b.reward / b.n) : null, utility: b.n ? round(b.sum / b.n) : null },
    test: 'two-sample z-test of mean utility (two-sided)',
    z: test ? round(test.z) : null,
    pValue: test ? round(test.pValue) : null,
    alpha: round(1 - o.confidence),
    minSample: o.minSample,
    maxSample,
  };
  if (!test || a.n < o.minSample || b.n < o.minSample || test.pValue >= 1 - o.confidence) {
    const exhausted = maxSample !== null && a.n >= maxSample && b.n >= maxSample;
    if (exhausted) evidence.verdict = `no winner: both sides reached maxSample ${maxSample} without significance`;
    return { winner: null, concluded: exhausted, evidence };
  }
  return { winner: test.diff > 0 ? 'B' : 'A', concluded: true, evidence };
}

/** The change that concludes a test (kind ab.conclude). */
export function abChange(
  test: { id: number; name: string; strategyA: string; strategyB: string; maxSample?: number | null },
  decision: AbDecision,
): OptimizerChange {
  const winner = decision.winner === null ? null : decision.winner === 'A' ? test.strategyA : test.strategyB;
  return {
    kind: 'ab.conclude',
    target: `ab:${test.id}:${test.name}`,
    before: { status: 'running' },
    after: { status: 'finished', winner: decision.winner, promoted: winner },
    evidence: decision.evidence,
  };
}
