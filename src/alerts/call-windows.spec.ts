import { CallWindows } from './call-windows';

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
});
