import type { RoutingRuleDto } from '../heuristics/heuristics.schemas';
import type { ArmRow, RuleRow } from './outcomes.service';
import { latencyPenalty } from './bandit';
import { wilsonInterval } from './stats';

/** One change a run makes (or, dry, would make); stored in optimizer_runs.changes. */
export interface OptimizerChange {
  kind: 'rule.priority' | 'rule.deactivate' | 'rule.propose' | 'policy.update' | 'ab.conclude';
  target: string;
  before: unknown;
  after: unknown;
  evidence: Record<string, unknown>;
}

export interface ScoringOptions {
  minSample: number;
  confidence: number;
  costWeight: number;
  latencyWeight: number;
  /** Price relative to the dearest model (0-1); unknown models count as 0. */
  relativePrice: (model: string) => number;
}

/** Outcomes a rule needs before its priority follows its score. */
export function rankSample(minSample: number): number {
  return Math.max(5, Math.ceil(minSample / 3));
}

/** Cost and latency part of a utility, as the learned policy computes it (see latencyPenalty). */
export function penalty(model: string, avgLatencyMs: number, o: ScoringOptions): number {
  return o.costWeight * o.relativePrice(model) + latencyPenalty(o.latencyWeight, avgLatencyMs);
}

/** The best other model's expected utility on a task type (at least 5 outcomes), or undefined. */
function alternative(
  rule: RuleRow,
  arms: readonly ArmRow[],
  o: ScoringOptions,
): { model: string; n: number; utility: number } | undefined {
  let best: { model: string; n: number; utility: number } | undefined;
  for (const a of arms) {
    if (a.taskType !== rule.taskType || a.model === rule.model || a.n < 5) continue;
    const utility = a.reward / a.n - penalty(a.model, a.latencyMs / a.n, o);
    if (!best || utility > best.utility) best = { model: a.model, n: a.n, utility };
  }
  return best;
}

/**
 * Conservative re-ranking of the unpinned active rules. Score = Wilson lower bound of the rule's reward
 * rate minus the cost and latency penalty; with rankSample outcomes the priority becomes round(100 x
 * score). With minSample outcomes, a rule whose optimistic utility (Wilson upper bound) is still below
 * the best other model's expected utility on its task type is deactivated. Pinned rules are skipped.
 */
export function scoreRules(
  rules: readonly RoutingRuleDto[],
  stats: readonly RuleRow[],
  arms: readonly ArmRow[],
  o: ScoringOptions,
): OptimizerChange[] {
  const byId = new Map(stats.map((s) => [s.ruleId, s]));
  const changes: OptimizerChange[] = [];
  for (const rule of rules) {
    const s = byId.get(rule.id);
    if (rule.pinned || !rule.active || !s || s.n < rankSample(o.minSample)) continue;
    const { lower, upper } = wilsonInterval(s.reward, s.n, o.confidence);
    const pen = penalty(s.model, s.latencyMs / s.n, o);
    const score = lower - pen;
    const alt = alternative(s, arms, o);
    const evidence = {
      requests: s.n,
      successRate: round(s.reward / s.n),
      wilsonLower: round(lower),
      wilsonUpper: round(upper),
      penalty: round(pen),
      score: round(score),
      taskType: s.taskType,
      model: s.model,
      alternative: alt ? { model: alt.model, requests: alt.n, utility: round(alt.utility) } : null,
    };
    const target = `rule:${rule.id}`;
    if (s.n >= o.minSample && alt && upper - pen < alt.utility) {
      changes.push({
        kind: 'rule.deactivate',
        target,
        before: { active: true, priority: rule.priority },
        after: { active: false, priority: rule.priority },
        evidence,
      });
      continue;
    }
    const priority = Math.round(100 * score);
    if (priority !== rule.priority)
      changes.push({
        kind: 'rule.priority',
        target,
        before: { priority: rule.priority },
        after: { priority },
        evidence,
      });
  }
  return changes;
}

/** Keyword patterns (RE2) an optimizer-proposed rule uses for a task type. */
export const TASK_PATTERNS: Readonly<Record<string, string>> = {
  coding: '\\b(?:code|function|bug|refactor|compile|typescript|python|javascript)\\b',
  math: '\\b(?:calculate|solve|equation|integral|derivative|proof|probability)\\b',
  analysis: '\\b(?:analy[sz]e|analysis|compare|evaluate|trade-?offs?)\\b',
  creative: '\\b(?:story|poem|haiku|lyrics|slogan)\\b',
  summarization: '\\b(?:summari[sz]e|summary|tl;?dr|key points)\\b',
  translation: '\\b(?:translate|translation)\\b',
};

export interface Proposal extends OptimizerChange {
  after: { pattern: string; preferredLayer: string; preferredModel: string; active: false; source: 'optimizer' };
}

/**
 * For a task type whose best model is a clear winner (its conservative utility beats every other
 * model's expected utility, with minSample outcomes), proposes an INACTIVE rule routing the task
 * type's keywords to it, unless a rule with that pattern exists. An operator reviews and activates it.
 */
export function proposeRules(
  arms: readonly ArmRow[],
  existingPatterns: ReadonlySet<string>,
  layerOf: (model: string) => string | undefined,
  o: ScoringOptions,
): Proposal[] {
  const out: Proposal[] = [];
  for (const taskType of [...new Set(arms.map((a) => a.taskType))].sort()) {
    const pattern = TASK_PATTERNS[taskType];
    if (!pattern || existingPatterns.has(pattern)) continue;
    const rows = arms.filter((a) => a.taskType === taskType && a.n > 0 && layerOf(a.model));
    const scored = rows.map((a) => {
      const pen = penalty(a.model, a.latencyMs / a.n, o);
      return { a, lower: wilsonInterval(a.reward, a.n, o.confidence).lower - pen, mean: a.reward / a.n - pen };
    });
    const best = scored.filter((x) => x.a.n >= o.minSample).sort((x, y) => y.lower - x.lower)[0];
    if (!best || scored.length < 2 || scored.some((x) => x !== best && x.a.n >= 5 && x.mean >= best.lower)) continue;
    out.push({
      kind: 'rule.propose',
      target: `pattern:${pattern}`,
      before: null,
      after: {
        pattern,
        preferredLayer: layerOf(best.a.model)!,
        preferredModel: best.a.model,
        active: false,
        source: 'optimizer',
      },
      evidence: {
        taskType,
        best: { model: best.a.model, requests: best.a.n, conservativeUtility: round(best.lower) },
        others: scored
          .filter((x) => x !== best)
          .map((x) => ({ model: x.a.model, requests: x.a.n, utility: round(x.mean) })),
      },
    });
  }
  return out;
}

export function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}
