import { seededRng } from '../stats';
import { learnOutcome, predictLogit, relabelOutcome, WeightSet } from './bayes-logistic';
import type { FeatureVector } from './features';

const prior = { biasVariance: 1, tagVariance: 1, lexicalVariance: 1 };
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** A unit vector over a few slots. */
function vec(...slots: number[]): FeatureVector {
  const v = 1 / Math.sqrt(slots.length);
  return { index: Int32Array.from(slots), value: Float32Array.from(slots, () => v) };
}

describe('Bayesian logistic weight sets', () => {
  it('converge to the rates of a synthetic problem (feature A: 90% good, feature B: 20%)', () => {
    const set = new WeightSet(10, prior);
    const rng = seededRng(3);
    const a = vec(1, 2, 3);
    const b = vec(7, 8, 9);
    for (let i = 0; i < 3000; i++) {
      const isA = rng() < 0.5;
      learnOutcome([set], isA ? a : b, undefined, 0, rng() < (isA ? 0.9 : 0.2) ? 1 : 0);
    }
    expect(sigmoid(predictLogit([set], a, undefined, 0).mean)).toBeCloseTo(0.9, 1);
    expect(sigmoid(predictLogit([set], b, undefined, 0).mean)).toBeCloseTo(0.2, 1);
  });

  it('grows surer with evidence, and stays unsure of what it never saw', () => {
    const set = new WeightSet(10, prior);
    const seen = vec(1, 2);
    const before = set.predict(seen, 'math').variance;
    for (let i = 0; i < 50; i++) learnOutcome([set], seen, 'math', 0, i % 2);
    expect(set.predict(seen, 'math').variance).toBeLessThan(before / 5);
    expect(set.predict(vec(100, 200), 'chat').variance).toBeGreaterThan(2);
  });

  it('learns soft labels as fractions', () => {
    const set = new WeightSet(10, prior);
    const x = vec(5);
    for (let i = 0; i < 2000; i++) learnOutcome([set], x, undefined, 0, 0.7);
    expect(sigmoid(set.predict(x, undefined).mean)).toBeCloseTo(0.7, 2);
  });

  it('relabels an outcome without counting it twice', () => {
    const a = new WeightSet(10, prior);
    const b = new WeightSet(10, prior);
    const x = vec(1, 2, 3);
    learnOutcome([a], x, 't', 0, 1);
    learnOutcome([b], x, 't', 0, 1);
    relabelOutcome([b], x, 't', 0, 1, 0);
    expect(b.predict(x, 't').mean).toBeLessThan(a.predict(x, 't').mean);
    expect(b.predict(x, 't').variance).toBeCloseTo(a.predict(x, 't').variance, 6);
    expect(b.updates).toBe(1);
  });

  it('splits credit between a shared set and a model set by their variances', () => {
    const shared = new WeightSet(10, { biasVariance: 0, tagVariance: 1, lexicalVariance: 1 });
    const own = new WeightSet(10, prior);
    const x = vec(4);
    learnOutcome([shared, own], x, 'coding', 0, 0);
    expect(shared.predict(x, 'coding').mean).toBeLessThan(0);
    expect(own.predict(x, 'coding').mean).toBeLessThan(0);
  });

  it('round-trips through a snapshot and refuses a corrupt one', () => {
    const set = new WeightSet(10, prior);
    for (let i = 0; i < 20; i++) learnOutcome([set], vec(i, i + 1), i % 2 ? 'a' : 'b', 0, i % 3 ? 1 : 0);
    const copy = new WeightSet(10, prior);
    copy.restore(JSON.parse(JSON.stringify(set.snapshot())));
    for (const x of [vec(3, 4), vec(500), vec(11, 12)]) expect(copy.predict(x, 'a')).toEqual(set.predict(x, 'a'));
    expect(copy.updates).toBe(20);
    const bad = { ...set.snapshot(), slots: Buffer.from(Int32Array.from([5000]).buffer).toString('base64') };
    bad.means = Buffer.from(Float32Array.from([1]).buffer).toString('base64');
    bad.variances = bad.means;
    expect(() => copy.restore(bad)).toThrow(/out of range/);
    expect(() => copy.restore({ ...set.snapshot(), means: 'AAA' })).toThrow(/4-byte|differ/);
  });
});
