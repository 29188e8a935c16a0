import { InvalidInputError } from '../../errors';
import type { CandidateEstimate } from './objective';
import { referenceIndex, checkObjective, chooseByUtility, chooseForRequest, chooseForTraffic } from './objective';

function est(id: string, mean: number, halfWidth: number, relativeCost: number, sample = mean): CandidateEstimate {
  return { id, mean, lower: mean - halfWidth, upper: mean + halfWidth, relativeCost, sample, penalty: 0 };
}

describe('objectives', () => {
  it('request scope: a cheap model with thin evidence must clear the floor by its lower bound', () => {
    const thin = [est('cheap', 0.9, 0.2, 0.05), est('dear', 0.92, 0.05, 1)];
    expect(chooseForRequest(thin, 0.95)).toEqual({ index: 1, reason: 'best-quality' });
    const rich = [est('cheap', 0.9, 0.01, 0.05), est('dear', 0.92, 0.01, 1)];
    expect(chooseForRequest(rich, 0.95)).toEqual({ index: 0, reason: 'floor-met' });
    // Rich evidence that the cheap model is clearly worse: the dear one.
    expect(chooseForRequest([est('cheap', 0.5, 0.01, 0.05), est('dear', 0.92, 0.01, 1)], 0.95).index).toBe(1);
  });

  it('request scope: the cheapest of the models that clear the floor', () => {
    const e = [est('a', 0.9, 0.01, 0.3), est('b', 0.9, 0.01, 0.1), est('c', 0.95, 0.01, 1)];
    expect(chooseForRequest(e, 0.9).index).toBe(1);
  });

  it('traffic scope: lambda 0 is the best model; a high price of quality the cheap one', () => {
    const e = [est('cheap', 0.8, 0.05, 0.05), est('dear', 0.9, 0.02, 1)];
    expect(chooseForTraffic(e, 0).index).toBe(1);
    expect(chooseForTraffic(e, 0.2)).toEqual({ index: 0, reason: 'floor-met' });
    // The cheap model is counted at its lower bound: a wider one needs a higher price.
    expect(chooseForTraffic([est('cheap', 0.8, 0.15, 0.05), e[1]], 0.2).index).toBe(1);
  });

  it('never picks a dearer model than the best', () => {
    const e = [est('best', 0.9, 0.01, 0.5), est('dearer', 0.85, 0.01, 1)];
    expect(chooseForTraffic(e, 10).index).toBe(0);
    expect(chooseForRequest(e, 0.5).index).toBe(0);
  });

  it('cost weight: the cheapest within the margin of the best sampled utility', () => {
    const e = [est('a', 0.8, 0, 0.0, 0.8), est('b', 0.9, 0, 0.5, 0.9), est('c', 0.95, 0, 1, 0.95)];
    expect(chooseByUtility(e, 0, 0).index).toBe(2);
    expect(chooseByUtility(e, 0.2, 0)).toEqual({ index: 0, reason: 'best-utility' });
    expect(chooseByUtility(e, 0, 0.06)).toEqual({ index: 1, reason: 'cheapest-within-margin' });
  });

  it('takes as reference the best lower bound, the dearer model on a tie (the cheaper one must prove itself)', () => {
    expect(referenceIndex([est('dear', 0.8, 0, 1), est('cheap', 0.8, 0, 0.1)])).toBe(0);
    expect(referenceIndex([est('cheap', 0.8, 0, 0.1), est('dear', 0.8, 0, 1)])).toBe(1);
    // An unproven model with a high prior mean does not become the bar.
    expect(referenceIndex([est('unproven', 0.85, 0.3, 0.1), est('measured', 0.8, 0.02, 1)])).toBe(1);
  });

  it('validates objectives, naming the field', () => {
    const field = (o: unknown) => {
      try {
        checkObjective(o as never);
      } catch (e) {
        return (e as InvalidInputError).param;
      }
      return undefined;
    };
    expect(field({ kind: 'quality-floor', floor: 1.2, scope: 'traffic' })).toBe('objective.qualityFloor');
    expect(field({ kind: 'quality-floor', floor: 0.9, scope: 'all' })).toBe('objective.scope');
    expect(field({ kind: 'cost-weight', costWeight: -1, margin: 0 })).toBe('objective.costWeight');
    expect(field({ kind: 'other' })).toBe('objective.kind');
    expect(field({ kind: 'quality-floor', floor: 0.9, scope: 'request' })).toBeUndefined();
  });
});
