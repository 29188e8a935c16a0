import { ScoreWindows } from './score-windows';

const MIN = 60_000;
const t = { windowMs: 10 * MIN, baselineMs: 60 * MIN, minSamples: 5, scoreDrop: 0.15 };

describe('ScoreWindows', () => {
  it("finds a drop of a subject's mean grade against its own trailing mean", () => {
    const w = new ScoreWindows(t);
    const start = 100 * 60 * MIN;
    for (let i = 0; i < 30; i++) w.add('m', 0.9, start + i * MIN);
    expect(w.judge('m', start + 30 * MIN)).toBeUndefined();
    for (let i = 0; i < 10; i++) w.add('m', 0.5, start + (31 + i * 0.5) * MIN);
    const drop = w.judge('m', start + 37 * MIN)!;
    expect(drop.baseline).toBeCloseTo(0.9, 6);
    expect(drop.value).toBeLessThan(0.75);
    expect(drop.window.grades).toBeGreaterThanOrEqual(5);
  });

  it('judges nothing on thin evidence, a small dip, or after everything aged out', () => {
    const w = new ScoreWindows(t);
    const start = 100 * 60 * MIN;
    for (let i = 0; i < 30; i++) w.add('m', 0.9, start + i * MIN);
    w.add('m', 0, start + 31 * MIN);
    expect(w.judge('m', start + 32 * MIN)).toBeUndefined();
    for (let i = 0; i < 10; i++) w.add('n', i < 5 ? 0.9 : 0.8, start + (i < 5 ? i : 25 + i) * MIN);
    expect(w.judge('n', start + 36 * MIN)).toBeUndefined();
    expect(w.judge('m', start + 500 * MIN)).toBeUndefined();
    expect(w.subjects()).not.toContain('m');
  });
});
