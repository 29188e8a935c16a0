import { CallWindows, nthSmallest } from './call-windows';

const T = { windowMs: 60_000, baselineMs: 600_000, minSamples: 10, successDrop: 0.2, latencyFactor: 2 };
const NOW = 10_000_000;

describe('CallWindows: a model judged against its own trailing baseline', () => {
  it('says nothing with fewer calls than minSamples in the window', () => {
    const w = new CallWindows(T);
    for (let i = 0; i < 9; i++) w.add('m', false, 10, NOW - 1000);
    expect(w.judge('m', NOW)).toEqual([]);
  });

  it('flags a success rate 30 points under a healthy baseline, not one 10 points under', () => {
    const w = new CallWindows(T);
    for (let i = 0; i < 50; i++) w.add('m', true, 100, NOW - 300_000);
    for (let i = 0; i < 20; i++) w.add('m', i % 10 >= 3, 100, NOW - 5000);
    const [d] = w.judge('m', NOW);
    expect(d).toMatchObject({ kind: 'model_success_degraded', baseline: 1, assumedBaseline: false });
    expect(d.value).toBeCloseTo(0.7);
    const mild = new CallWindows(T);
    for (let i = 0; i < 50; i++) mild.add('m', true, 100, NOW - 300_000);
    for (let i = 0; i < 20; i++) mild.add('m', i % 10 !== 0, 100, NOW - 5000);
    expect(mild.judge('m', NOW)).toEqual([]);
  });

  it('assumes a perfect baseline when it has too few calls, and says so', () => {
    const w = new CallWindows(T);
    for (let i = 0; i < 10; i++) w.add('m', i >= 5, 100, NOW - 1000);
    expect(w.judge('m', NOW)[0]).toMatchObject({ assumedBaseline: true, baseline: 1, value: 0.5 });
  });

  it('flags a p95 latency at twice the baseline', () => {
    const w = new CallWindows(T);
    for (let i = 0; i < 40; i++) w.add('m', true, 100, NOW - 300_000);
    for (let i = 0; i < 20; i++) w.add('m', true, 250, NOW - 2000);
    expect(w.judge('m', NOW).map((d) => d.kind)).toEqual(['model_latency_degraded']);
  });

  it('forgets calls older than the baseline', () => {
    const w = new CallWindows(T);
    for (let i = 0; i < 40; i++) w.add('m', false, 100, NOW - 2_000_000);
    for (let i = 0; i < 10; i++) w.add('m', true, 100, NOW - 1000);
    expect(w.judge('m', NOW)).toEqual([]);
  });

  it('reports the p95s of a full baseline exactly: the values at floor(0.95 n) of the sorted latencies', () => {
    // latencyFactor ~0: any window p95 above the baseline's is flagged, so the degradation carries both p95s.
    const w = new CallWindows({ ...T, baselineMs: 1_800_000, latencyFactor: 1e-9 });
    const recent: number[] = [];
    const older: number[] = [];
    let seed = 7;
    for (let at = NOW - 1_860_000; at < NOW; at += 10) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const latency = seed % 5000; // repeats included
      w.add('m', true, latency, at);
      // What the buckets keep: the first 200 successful latencies of each 5-second bucket.
      if ((at % 5000) / 10 < 200) (at - (at % 5000) + 5000 > NOW - T.windowMs ? recent : older).push(latency);
    }
    const sortedP95 = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length * 0.95)];
    expect(older.length).toBe(72_000); // 360 buckets of 200
    const found = w.judge('m', NOW).find((d) => d.kind === 'model_latency_degraded');
    expect(found?.window.p95Ms).toBe(sortedP95(recent));
    expect(found?.baseline).toBe(sortedP95(older));
  });
});

describe('nthSmallest', () => {
  it('is the k-th value of the sorted array for every k, with repeats and any order', () => {
    for (const size of [1, 2, 3, 10, 257]) {
      const values = Array.from({ length: size }, (_, i) => (i * 7919) % 13);
      const sorted = [...values].sort((a, b) => a - b);
      for (let k = 0; k < size; k++) expect(nthSmallest(Float64Array.from(values), k)).toBe(sorted[k]);
    }
  });
});
