import { InvalidInputError } from '../../errors';
import { resolveReward } from './reward';

describe('resolveReward', () => {
  it('takes caller feedback over the judge, and the judge over bare success', () => {
    expect(resolveReward({ outcome: 'success', feedback: 0.2, judge: 0.9 })).toMatchObject({
      teaches: true,
      success: true,
      quality: 0.2,
      source: 'feedback',
    });
    expect(resolveReward({ outcome: 'success', judge: 0.9 })).toMatchObject({ quality: 0.9, source: 'judge' });
    const bare = resolveReward({ outcome: 'success' });
    expect(bare).toMatchObject({ teaches: true, success: true, source: 'success' });
    // A success without a grade says nothing about quality: the cheapest model must not win by default.
    expect(bare.quality).toBeUndefined();
  });

  it('learns a model failure or timeout as a failure to answer, whatever the grades', () => {
    for (const outcome of ['model_failure', 'timeout'] as const)
      expect(resolveReward({ outcome, feedback: 1 })).toMatchObject({ teaches: true, success: false });
  });

  it('learns nothing from what the model did not do', () => {
    for (const outcome of ['client_abort', 'client_error', 'refused_locally'] as const) {
      const r = resolveReward({ outcome, feedback: 0 });
      expect(r.teaches).toBe(false);
      expect(r.reason).toContain(outcome);
    }
  });

  it('refuses grades outside 0..1 and unknown classes, naming the field', () => {
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as InvalidInputError;
      }
      throw new Error('no error');
    };
    expect(err(() => resolveReward({ outcome: 'success', feedback: 1.5 })).param).toBe('feedback');
    expect(err(() => resolveReward({ outcome: 'success', judge: Number.NaN })).param).toBe('judge');
    expect(err(() => resolveReward({ outcome: 'oops' as never })).param).toBe('outcome');
  });
});
