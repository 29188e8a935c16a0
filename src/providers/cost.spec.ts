import { costOf, estimateCost } from './cost';

describe('cost', () => {
  it('prices tokens in USD per million', () => {
    expect(costOf({ input: 1, output: 4 }, { promptTokens: 1_000_000, completionTokens: 0 })).toBe(1);
    expect(costOf({ input: 0.15, output: 0.6 }, { promptTokens: 1000, completionTokens: 500 })).toBeCloseTo(
      0.00045,
      10,
    );
  });

  it('estimates before the call from max_tokens, else a default answer size', () => {
    expect(estimateCost({ input: 1, output: 10 }, 100, 50)).toBeCloseTo((100 + 500) / 1e6, 12);
    expect(estimateCost({ input: 1, output: 10 }, 100, undefined, 256)).toBeCloseTo((100 + 2560) / 1e6, 12);
  });
});
