import { ResidualTracker } from './residuals';

describe('ResidualTracker', () => {
  it('is cautious by its prior with no evidence', () => {
    const t = new ResidualTracker(8, 0.03);
    const c = t.correction('m', 1);
    expect(c.asChosen).toBeCloseTo(-0.03, 6);
    expect(c.asBest).toBeCloseTo(0.03, 6);
    expect(t.correction('m', 0)).toEqual({ asChosen: 0, asBest: 0 });
  });

  it('moves towards the measured bias (against its prior), with a margin that shrinks as evidence grows', () => {
    const t = new ResidualTracker(8, 0.03);
    // The cheap model was 10 points worse than estimated where chosen; the best one 5 points better.
    for (let i = 0; i < 400; i++) {
      t.add('cheap', 'chosen', i % 2 ? 0.4 : -0.6);
      t.add('best', 'counterfactual', i % 2 ? 0.55 : -0.45);
    }
    const cheap = t.correction('cheap', 1).asChosen;
    const best = t.correction('best', 1).asBest;
    expect(cheap).toBeLessThan(-0.06);
    expect(cheap).toBeGreaterThan(-0.15);
    expect(best).toBeGreaterThan(0.035);
    expect(best).toBeLessThan(0.1);
    const few = new ResidualTracker(8, 0.03);
    for (let i = 0; i < 10; i++) few.add('cheap', 'chosen', i % 2 ? 0.4 : -0.6);
    const margin = (x: ResidualTracker) => x.correction('cheap', 0).asChosen - x.correction('cheap', 1).asChosen;
    expect(margin(t)).toBeLessThan(margin(few));
  });

  it('round-trips through a snapshot', () => {
    const t = new ResidualTracker(8, 0.03);
    t.add('a', 'chosen', -0.2);
    t.add('b', 'counterfactual', 0.3);
    const copy = new ResidualTracker(8, 0.03);
    copy.restore(JSON.parse(JSON.stringify(t.snapshot())));
    expect(copy.correction('a', 1)).toEqual(t.correction('a', 1));
    expect(copy.correction('b', 1)).toEqual(t.correction('b', 1));
    expect(() => copy.restore({ models: [['a', 'other' as never, 0, 0, 0]] })).toThrow(/kind/);
  });
});
