import type { EvalDataset, EvalRow } from './datasets';
import { hindsightThreshold, tagOracle } from './oracle';
import type { RankedRequest } from './oracle';

function rows(tag: string, n: number, weakRight: number, strongRight: number): EvalRow[] {
  return Array.from({ length: n }, (_, i) => {
    const weak = i < weakRight ? 1 : 0;
    const strong = i < strongRight ? 1 : 0;
    return { prompt: 'x'.repeat(400), tag, grade: { weak, strong }, quality: { weak, strong } };
  });
}

function dataset(...parts: EvalRow[][]): EvalDataset {
  return { name: 't', rows: parts.flat(), typicalOutputTokens: { weak: 100, strong: 100 } };
}

describe('tagOracle', () => {
  // Tag a: the weak model is as good as the strong one; tag b: it gets nothing right.
  const data = dataset(rows('a', 100, 90, 90), rows('b', 100, 0, 90));

  it('sends the strong model only the tags where it gains quality, in part for the last one', () => {
    const full = tagOracle(data, 1);
    expect(full.tags).toBe(2);
    expect(full.strongShare).toBeCloseTo(0.5, 6);
    const half = tagOracle(data, 0.75);
    // 75% of 180 right = 135: the 90 of tag a plus 45 of b's 90, i.e. half of b's requests.
    expect(half.strongShare).toBeCloseTo(0.25, 6);
    expect(half.cost).toBeGreaterThan(0.25);
    expect(half.cost).toBeLessThan(0.3);
  });

  it('costs the cheap model only when the floor is 0 or the weak model already holds it', () => {
    expect(tagOracle(data, 0).strongShare).toBe(0);
    const same = tagOracle(dataset(rows('a', 50, 40, 40)), 1);
    expect(same.strongShare).toBe(0);
    expect(same.cost).toBeCloseTo(0.6 / 20, 3);
  });
});

describe('hindsightThreshold', () => {
  const ranked = (score: number, weak: number, strong: number): RankedRequest => ({
    score,
    quality: { weak, strong },
    cost: { weak: 1, strong: 10 },
  });

  it('sends the strong model the highest-ranked requests until the floor holds', () => {
    // Two requests where only the strong model is right, two where both are: 4 right always-strong.
    const requests = [ranked(0.9, 0, 1), ranked(0.1, 1, 1), ranked(0.8, 0, 1), ranked(0.2, 1, 1)];
    const r = hindsightThreshold(requests, 1);
    expect(r.strongShare).toBe(0.5);
    expect(r.cost).toBeCloseTo((10 + 10 + 1 + 1) / 40, 9);
    // At 0.75 one of the two is enough (3 of 4 right).
    expect(hindsightThreshold(requests, 0.75).strongShare).toBe(0.25);
  });

  it('pays for a bad ranking: the useful requests ranked last are reached last', () => {
    const requests = [ranked(0.1, 0, 1), ranked(0.9, 1, 1), ranked(0.8, 1, 1), ranked(0.7, 1, 1)];
    expect(hindsightThreshold(requests, 1).strongShare).toBe(1);
    expect(hindsightThreshold([], 0.95)).toEqual({ cost: 0, strongShare: 0 });
  });
});
