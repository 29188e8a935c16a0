import {
  betaCdf,
  betaInterval,
  betaQuantile,
  compareMeans,
  normalCdf,
  normalQuantile,
  sampleBeta,
  seededRng,
  unitHash,
  wilsonInterval,
} from './stats';

describe('optimizer statistics', () => {
  it('normal quantile and CDF invert each other', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.05)).toBeCloseTo(-1.644854, 5);
    for (const p of [0.01, 0.2, 0.5, 0.9, 0.999]) expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 5);
  });

  it('Wilson bounds bracket the rate, tighten with n, and stay in [0, 1]', () => {
    const small = wilsonInterval(8, 10, 0.95);
    const large = wilsonInterval(800, 1000, 0.95);
    expect(small.lower).toBeLessThan(0.8);
    expect(small.upper).toBeGreaterThan(0.8);
    expect(large.upper - large.lower).toBeLessThan(small.upper - small.lower);
    expect(wilsonInterval(0, 5, 0.95).lower).toBe(0);
    expect(wilsonInterval(5, 5, 0.95).upper).toBe(1);
    expect(wilsonInterval(0, 0, 0.95)).toEqual({ lower: 0, upper: 1 });
    // A known value: 8/10 at one-sided 95% (z = 1.645) has lower bound (0.9353 - 0.2482) / 1.2706 = 0.5408.
    expect(small.lower).toBeCloseTo(0.5408, 3);
  });

  it('Beta draws are reproducible under a seed and have the right mean', () => {
    const a = seededRng(7);
    const b = seededRng(7);
    const xs = Array.from({ length: 5 }, () => sampleBeta(3, 7, a));
    expect(Array.from({ length: 5 }, () => sampleBeta(3, 7, b))).toEqual(xs);
    const rng = seededRng(1);
    let sum = 0;
    for (let i = 0; i < 20000; i++) sum += sampleBeta(3, 7, rng);
    expect(sum / 20000).toBeCloseTo(0.3, 2);
    let small = 0;
    for (let i = 0; i < 5000; i++) small += sampleBeta(0.5, 0.5, rng);
    expect(small / 5000).toBeCloseTo(0.5, 1);
  });

  it('compares two proportions: a real difference is significant, noise is not', () => {
    const moments = (n: number, successes: number) => ({ n, sum: successes, sumSq: successes });
    const clear = compareMeans(moments(400, 280), moments(400, 340))!;
    expect(clear.diff).toBeCloseTo(0.15, 5);
    expect(clear.pValue).toBeLessThan(0.001);
    const noise = compareMeans(moments(100, 70), moments(100, 73))!;
    expect(noise.pValue).toBeGreaterThan(0.5);
    expect(compareMeans(moments(1, 1), moments(50, 20))).toBeUndefined();
  });

  it('unitHash spreads ids uniformly over [0, 1)', () => {
    let below = 0;
    for (let i = 0; i < 10000; i++) if (unitHash(`req-${i}`) < 0.3) below++;
    expect(below / 10000).toBeGreaterThan(0.27);
    expect(below / 10000).toBeLessThan(0.33);
  });

  it('Beta CDF and quantiles match closed forms; the credible interval narrows with evidence', () => {
    // Beta(0.5, 0.5) is the arcsine law; Beta(a, 1) has CDF x^a.
    expect(betaCdf(0.3, 0.5, 0.5)).toBeCloseTo((2 / Math.PI) * Math.asin(Math.sqrt(0.3)), 8);
    expect(betaCdf(0.5, 2, 2)).toBeCloseTo(0.5, 10);
    expect(betaQuantile(0.025, 9, 1)).toBeCloseTo(Math.pow(0.025, 1 / 9), 8);
    expect(betaQuantile(0.975, 9, 1)).toBeCloseTo(Math.pow(0.975, 1 / 9), 8);
    const thin = betaInterval(8, 2, 0.95);
    const thick = betaInterval(800, 200, 0.95);
    expect(thin.lower).toBeLessThan(0.8);
    expect(thin.upper).toBeGreaterThan(0.8);
    expect(thick.upper - thick.lower).toBeLessThan((thin.upper - thin.lower) / 5);
    expect(thick.lower).toBeCloseTo(0.7743, 3);
  });
});
