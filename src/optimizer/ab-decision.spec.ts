import { decideAbTest } from './ab-decision';
import type { ArmMoments } from './outcomes.service';

const opts = {
  minSample: 30,
  confidence: 0.95,
  costWeight: 0.2,
  relativePrice: (m: string) => ({ cheap: 0.03, dear: 1 })[m] ?? 0,
};
const group = (arm: string, model: string, n: number, successes: number): ArmMoments => ({
  arm,
  model,
  n,
  reward: successes,
  rewardSq: successes,
});

describe('decideAbTest', () => {
  it('declares no winner below minSample, however large the difference', () => {
    const d = decideAbTest([group('A', 'cheap', 20, 5), group('B', 'cheap', 20, 19)], opts);
    expect(d.winner).toBeNull();
    expect(d.evidence).toMatchObject({ A: { requests: 20 }, B: { requests: 20 } });
  });

  it('ends with no winner once both sides reach maxSample without significance, and not before', () => {
    const even = [group('A', 'cheap', 200, 150), group('B', 'cheap', 200, 152)];
    expect(decideAbTest(even, opts)).toMatchObject({ winner: null, concluded: false });
    expect(decideAbTest(even, opts, 300)).toMatchObject({ winner: null, concluded: false });
    const d = decideAbTest(even, opts, 200);
    expect(d).toMatchObject({ winner: null, concluded: true });
    expect(d.evidence.verdict).toMatch(/no winner/);
  });

  it('declares the better arm at confidence', () => {
    const d = decideAbTest([group('A', 'cheap', 300, 180), group('B', 'cheap', 300, 255)], opts);
    expect(d.winner).toBe('B');
    expect(d.evidence.pValue as number).toBeLessThan(0.05);
  });

  it('keeps the test running while the difference is within noise', () => {
    expect(decideAbTest([group('A', 'cheap', 200, 160), group('B', 'cheap', 200, 165)], opts).winner).toBeNull();
  });

  it('weighs cost: slightly better answers from a far dearer model lose', () => {
    const d = decideAbTest([group('A', 'cheap', 500, 430), group('B', 'dear', 500, 450)], opts);
    expect(d.winner).toBe('A');
    expect((d.evidence.B as { successRate: number }).successRate).toBeGreaterThan(
      (d.evidence.A as { successRate: number }).successRate,
    );
  });

  it('sums the groups of one side over models', () => {
    const d = decideAbTest(
      [group('A', 'cheap', 100, 50), group('A', 'dear', 100, 90), group('B', 'cheap', 200, 140)],
      opts,
    );
    expect(d.evidence.A).toMatchObject({ requests: 200, successRate: 0.7 });
  });
});
