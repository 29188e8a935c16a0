import type { EvalDataset, EvalRow } from './datasets';
import { replay } from './replay';
import type { ReplayOptions } from './replay';

// Half the prompts are easy (both models right), half hard (only the strong model right); the words say which.
function dataset(): EvalDataset {
  const rows: EvalRow[] = [];
  for (let i = 0; i < 200; i++) {
    const hard = i % 2 === 1;
    const weak = hard ? 0 : 1;
    rows.push({
      prompt: `${hard ? 'prove the theorem about manifolds' : 'say hello to the user'} (${i})`,
      tag: 't',
      grade: { weak, strong: 1 },
      quality: { weak, strong: 1 },
    });
  }
  return { name: 'synthetic', rows, typicalOutputTokens: { weak: 100, strong: 100 } };
}

const base: ReplayOptions = {
  requests: 600,
  seed: 1,
  tagged: false,
  feedback: 'both',
  judgeRate: 0,
  objective: { kind: 'quality-floor', floor: 0.95, scope: 'traffic' },
};

describe('replay', () => {
  it('ranks the last half by what the first half taught (feedback both, frozen at mid-run)', () => {
    const r = replay(dataset(), { ...base, frozen: true });
    // A perfect ranking sends the strong model the hard half less 5% of all (0.45); a random one 90%.
    expect(r.hindsight?.strongShare).toBeGreaterThan(0.4);
    expect(r.hindsight?.strongShare).toBeLessThan(0.55);
    expect(r.lastHalf.requests).toBe(300);
    // At the quality the run reached, the hindsight threshold is dearer the higher that quality.
    expect(r.hindsightAtRunQuality?.cost).toBeDefined();
  });

  it('reports no hindsight threshold without a quality floor', () => {
    const r = replay(dataset(), { ...base, objective: { kind: 'cost-weight', costWeight: 0.1, margin: 0 } });
    expect(r.hindsight).toBeUndefined();
    expect(r.hindsightAtRunQuality).toBeUndefined();
  });
});
