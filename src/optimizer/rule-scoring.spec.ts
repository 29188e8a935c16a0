import type { RoutingRuleDto } from '../heuristics/heuristics.schemas';
import type { ArmRow, RuleRow } from './outcomes.service';
import { proposeRules, rankSample, scoreRules, TASK_PATTERNS } from './rule-scoring';

const opts = {
  minSample: 30,
  confidence: 0.95,
  costWeight: 0.2,
  latencyWeight: 0.1,
  relativePrice: (m: string) => ({ fast: 0.03, balanced: 0.2, deep: 1 })[m] ?? 0,
};

function rule(id: number, over: Partial<RoutingRuleDto> = {}): RoutingRuleDto {
  return {
    id,
    pattern: `p${id}`,
    preferredLayer: 'fast',
    preferredModel: 'fast',
    priority: 50,
    active: true,
    pinned: false,
    source: 'manual',
    metadata: {},
    createdAt: '',
    updatedAt: '',
    ...over,
  };
}
const stats = (ruleId: number, n: number, successes: number, model = 'fast'): RuleRow => ({
  ruleId,
  n,
  reward: successes,
  latencyMs: 0,
  costSum: 0,
  taskType: 'coding',
  model,
});
const arm = (model: string, n: number, successes: number): ArmRow => ({
  taskType: 'coding',
  model,
  n,
  reward: successes,
  latencyMs: 0,
  costSum: 0,
});

describe('scoreRules', () => {
  it('leaves rules with too few outcomes alone', () => {
    expect(scoreRules([rule(1)], [stats(1, rankSample(30) - 1, 0)], [], opts)).toEqual([]);
  });

  it('sets the priority to 100 x the conservative score (Wilson lower bound minus penalties)', () => {
    const [change] = scoreRules([rule(1)], [stats(1, 20, 6)], [arm('balanced', 40, 38)], opts);
    expect(change.kind).toBe('rule.priority');
    const after = (change.after as { priority: number }).priority;
    expect(after).toBeLessThan(50);
    expect(after).toBe(Math.round(100 * ((change.evidence.wilsonLower as number) - 0.2 * 0.03)));
  });

  it('a good rule gains priority; a rule worse than the alternative after minSample is deactivated', () => {
    const good = scoreRules([rule(1, { priority: 0 })], [stats(1, 100, 97)], [], opts)[0];
    expect((good.after as { priority: number }).priority).toBeGreaterThan(80);
    const [bad] = scoreRules([rule(2)], [stats(2, 30, 9)], [arm('fast', 30, 9), arm('balanced', 40, 38)], opts);
    expect(bad).toMatchObject({ kind: 'rule.deactivate', target: 'rule:2', after: { active: false } });
    expect(bad.evidence).toMatchObject({ alternative: { model: 'balanced', requests: 40 } });
  });

  it('never touches pinned or inactive rules', () => {
    const rules = [rule(1, { pinned: true }), rule(2, { active: false })];
    expect(scoreRules(rules, [stats(1, 100, 1), stats(2, 100, 1)], [arm('balanced', 100, 99)], opts)).toEqual([]);
  });
});

describe('proposeRules', () => {
  const layerOf = (m: string) => ({ fast: 'fast', balanced: 'balanced', deep: 'deep' })[m];

  it('proposes an inactive optimizer rule for a task type with a clear winner, with its evidence', () => {
    const [p] = proposeRules([arm('fast', 40, 20), arm('balanced', 60, 57)], new Set(), layerOf, opts);
    expect(p).toMatchObject({
      kind: 'rule.propose',
      after: {
        pattern: TASK_PATTERNS.coding,
        preferredModel: 'balanced',
        preferredLayer: 'balanced',
        active: false,
        source: 'optimizer',
      },
    });
    expect(p.evidence).toMatchObject({ taskType: 'coding', best: { model: 'balanced', requests: 60 } });
  });

  it('proposes nothing when the pattern exists, or the winner is not clear', () => {
    expect(
      proposeRules([arm('fast', 40, 20), arm('balanced', 60, 57)], new Set([TASK_PATTERNS.coding]), layerOf, opts),
    ).toEqual([]);
    expect(proposeRules([arm('fast', 60, 55), arm('balanced', 60, 57)], new Set(), layerOf, opts)).toEqual([]);
  });
});
