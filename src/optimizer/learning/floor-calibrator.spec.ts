import { FloorCalibrator } from './floor-calibrator';
import type { CandidateEstimate } from './objective';
import type { Candidate, RequestFeatures } from './types';

/** Requests whose estimates are given directly: the cheap model loses `gap` on request i. */
function setup(gaps: number[], exploration = 0) {
  const byRequest = new Map<RequestFeatures, number>();
  const estimator = (r: RequestFeatures, c: readonly Candidate[]): CandidateEstimate[] => {
    const gap = byRequest.get(r)!;
    return [
      { id: c[0].id, mean: 0.9 - gap, lower: 0.9 - gap, upper: 0.9 - gap, relativeCost: 0.05, sample: 0, penalty: 0 },
      { id: c[1].id, mean: 0.9, lower: 0.9, upper: 0.9, relativeCost: 1, sample: 0, penalty: 0 },
    ];
  };
  const cal = new FloorCalibrator(
    { window: 1000, every: 10 },
    exploration,
    () => ({ asChosen: 0, asBest: 0 }),
    estimator,
  );
  const candidates = [
    { id: 'cheap', cost: 1 },
    { id: 'dear', cost: 20 },
  ];
  for (const gap of gaps) {
    const r: RequestFeatures = { vector: { index: new Int32Array(0), value: new Float32Array(0) } };
    byRequest.set(r, gap);
    cal.record(r, candidates, estimator(r, candidates));
  }
  cal.refresh();
  return cal;
}

describe('FloorCalibrator', () => {
  // Half the requests lose nothing on the cheap model, a quarter lose 0.1, a quarter 0.4.
  const gaps = Array.from({ length: 400 }, (_, i) => (i % 2 === 0 ? 0 : i % 4 === 1 ? 0.1 : 0.4));

  it('prices quality so that the window holds the floor, spending it where the loss is smallest', () => {
    const cal = setup(gaps);
    // Losing nothing on half the traffic keeps 100%; adding the 0.1 quarter keeps 1 - 0.025/0.9 = 97.2%.
    const at99 = cal.lambdaFor(0.99);
    expect(cal.quality(at99)).toBeGreaterThanOrEqual(0.99);
    expect(at99).toBeGreaterThan(0);
    expect(at99).toBeLessThan(0.1 / 0.95);
    const at95 = cal.lambdaFor(0.95);
    expect(at95).toBeGreaterThan(0.1 / 0.95);
    expect(at95).toBeLessThan(0.4 / 0.95);
    expect(cal.quality(at95)).toBeCloseTo(1 - 0.025 / 0.9, 3);
  });

  it('is monotone: a lower floor never gets a lower price', () => {
    const cal = setup(gaps);
    const floors = [1, 0.99, 0.97, 0.9, 0.8, 0.5];
    const lambdas = floors.map((f) => cal.lambdaFor(f));
    for (let i = 1; i < lambdas.length; i++) expect(lambdas[i]).toBeGreaterThanOrEqual(lambdas[i - 1]);
  });

  it('counts exploration as spent quality', () => {
    const plain = setup(gaps, 0);
    const exploring = setup(gaps, 0.1);
    expect(exploring.quality(0)).toBeLessThan(plain.quality(0));
  });

  it('keeps its prices across a snapshot, with an empty window', () => {
    const cal = setup(gaps);
    const lambda = cal.lambdaFor(0.95);
    const copy = setup([]);
    copy.restore(JSON.parse(JSON.stringify(cal.snapshot())));
    expect(copy.lambdaFor(0.95)).toBe(lambda);
    expect(() => copy.restore({ lambdas: [[2, 1]] })).toThrow(/lambdas/);
  });

  it('starts at price 0 (the best model) with no traffic', () => {
    expect(setup([]).lambdaFor(0.9)).toBe(0);
  });
});
