import { apgr, cpt, figures } from './metrics';

describe('routing metrics', () => {
  it('scores a random router (PGR = strong share) at APGR 0.5, CPT(x) = x', () => {
    const random = [0.1, 0.3, 0.5, 0.7, 0.9].map((p) => ({ strongShare: p, pgr: p }));
    expect(apgr(random)).toBeCloseTo(0.5, 10);
    expect(cpt(random, 0.5)).toBeCloseTo(0.5, 10);
    expect(cpt(random, 0.8)).toBeCloseTo(0.8, 10);
  });

  it('scores a router that recovers the gap early above 0.5, and interpolates CPT', () => {
    const good = [
      { strongShare: 0.2, pgr: 0.6 },
      { strongShare: 0.4, pgr: 0.9 },
    ];
    // Area: (0,0)-(0.2,0.6)-(0.4,0.9)-(1,1).
    expect(apgr(good)).toBeCloseTo(0.2 * 0.3 + 0.2 * 0.75 + 0.6 * 0.95, 10);
    expect(cpt(good, 0.5)).toBeCloseTo(0.2 * (0.5 / 0.6), 10);
    expect(cpt(good, 0.8)).toBeCloseTo(0.2 + 0.2 * (0.2 / 0.3), 10);
  });

  it('sorts points and leaves out those at the ends or without a PGR', () => {
    const pts = [
      { strongShare: 0.6, pgr: 0.8 },
      { strongShare: 0, pgr: 0.3 },
      { strongShare: 0.3, pgr: Number.NaN },
      { strongShare: 0.2, pgr: 0.4 },
    ];
    expect(cpt(pts, 0.8)).toBeCloseTo(0.6, 10);
  });

  it("computes a tally's figures against always-strong", () => {
    const f = figures({
      requests: 10,
      strongCalls: 4,
      quality: 8,
      qualityWeak: 6,
      qualityStrong: 9,
      cost: 5,
      costStrong: 10,
      judgeCalls: 2,
      judgeCost: 1,
      explored: 1,
    });
    expect(f).toEqual({
      quality: 8 / 9,
      cost: 0.5,
      strongShare: 0.4,
      pgr: (8 - 6) / (9 - 6),
      judgeShare: 0.2,
      judgeCost: 0.1,
      exploredShare: 0.1,
    });
  });
});
