import { seededRng } from '../../stats';
import { buildJudgePrompt, parseJudgeReply } from '../judge';
import type { CandidateEstimate, Objective } from '../objective';
import type { LearnerOptions } from '../types';
import { OnlineLearner } from '../online-learner';
import type { OutcomeSignals } from '../reward';
import type { EvalDataset, EvalRow } from './datasets';
import { callCost, estimateTokens } from './datasets';
import { hindsightThreshold } from './oracle';
import type { RankedRequest, RoutingCost } from './oracle';

/** The judge is the strong model; its reply is a short JSON object. */
export const JUDGE_OUTPUT_TOKENS = 40;

export interface ReplayOptions {
  requests: number;
  seed: number;
  tagged: boolean;
  /**
   * `caller`: the chosen model's grade on every request; `judge`: a judge's grade on a sample; `both`: both
   * models' grades on every request (RouteLLM's training signal, as if each request were also sent to the
   * other model: an upper reference for what the feedback allows, not a deployable mode).
   */
  feedback: 'caller' | 'judge' | 'both';
  /** Learn from the first half only: the last half is decided by the learner as it stood at mid-run. */
  frozen?: boolean;
  /** Share of requests the judge grades (judge mode). */
  judgeRate: number;
  objective: Objective;
  learner?: Partial<LearnerOptions>;
}

/** Sums over a stretch of requests. */
export interface Tally {
  requests: number;
  strongCalls: number;
  quality: number;
  qualityWeak: number;
  qualityStrong: number;
  cost: number;
  costStrong: number;
  judgeCalls: number;
  judgeCost: number;
  explored: number;
}

export interface ReplayResult {
  whole: Tally;
  lastHalf: Tally;
  /** Distinct prompts among the requests (fewer than requests when the dataset is smaller). */
  distinctPrompts: number;
  judgeNoSignal: number;
  finalLambda?: number;
  /** Under a quality floor: the learner's own ranking of the last half at the best threshold in hindsight. */
  hindsight?: RoutingCost;
  /** The same at the quality the run itself reached in its last half (how far the run is from the frontier). */
  hindsightAtRunQuality?: RoutingCost;
}

/** A tally with nothing counted yet (the offline replay and the HTTP one count alike). */
export function emptyTally(): Tally {
  return {
    requests: 0,
    strongCalls: 0,
    quality: 0,
    qualityWeak: 0,
    qualityStrong: 0,
    cost: 0,
    costStrong: 0,
    judgeCalls: 0,
    judgeCost: 0,
    explored: 0,
  };
}

/**
 * The request order of a seed: a shuffle of the dataset, and when N exceeds it, further independent
 * shuffles (each prompt once per pass: a repeat only after every prompt was seen).
 */
export function requestOrder(size: number, n: number, seed: number): number[] {
  const rng = seededRng(seed);
  const out: number[] = [];
  while (out.length < n) {
    const pass = Array.from({ length: size }, (_, i) => i);
    for (let i = size - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [pass[i], pass[j]] = [pass[j], pass[i]];
    }
    out.push(...pass.slice(0, n - out.length));
  }
  return out;
}

/** A judge's reply as a model might write it: sometimes in a code fence. */
function judgeReply(score: number, rng: () => number): string {
  const body = JSON.stringify({ score, reason: score >= 0.5 ? 'correct answer' : 'wrong answer' });
  return rng() < 0.3 ? '```json\n' + body + '\n```' : body;
}

/**
 * The gateway's online loop, in process: for each request (seeded order) the learner decides between
 * the two models, the chosen model's outcome is revealed (caller feedback on every request, or a judge
 * grade on a sampled share and the bare success otherwise), and the learner learns it before the next
 * request. The truth of a request is read only after its decision.
 */
export function replay(dataset: EvalDataset, o: ReplayOptions): ReplayResult {
  const learner = new OnlineLearner({ ...o.learner, seed: o.seed });
  const rng = seededRng(o.seed ^ 0x5f3759df);
  const order = requestOrder(dataset.rows.length, o.requests, o.seed);
  const whole = emptyTally();
  const lastHalf = emptyTally();
  const half = Math.floor(o.requests / 2);
  let noSignal = 0;
  let lambda: number | undefined;
  const ranked: RankedRequest[] = [];
  order.forEach((rowIndex, i) => {
    const row = dataset.rows[rowIndex];
    const inputTokens = estimateTokens(row.prompt);
    const typical = dataset.typicalOutputTokens;
    const request = learner.features(row.prompt, o.tagged ? row.tag : undefined);
    const decision = learner.decide(
      request,
      [
        { id: 'weak', cost: callCost('weak', inputTokens, typical.weak) },
        { id: 'strong', cost: callCost('strong', inputTokens, typical.strong) },
      ],
      o.objective,
    );
    lambda = decision.lambda;
    const side = decision.model as 'weak' | 'strong';
    const signals: OutcomeSignals = { outcome: 'success' };
    let judgeCost = 0;
    if (o.feedback !== 'judge') signals.feedback = row.grade[side];
    else if (rng() < o.judgeRate) {
      const answerTokens = row.outputTokens?.[side] ?? typical[side];
      const prompt = buildJudgePrompt({ request: row.prompt, answer: 'x'.repeat(answerTokens * 4) });
      judgeCost = callCost('strong', estimateTokens(prompt.map((m) => m.content).join('\n')), JUDGE_OUTPUT_TOKENS);
      const verdict = parseJudgeReply(judgeReply(row.grade[side], rng));
      if (verdict.kind === 'score') signals.judge = verdict.score;
      else noSignal++;
    }
    if (!(o.frozen && i >= half)) {
      learner.observe({ request, model: side, signals, decision });
      const other = side === 'weak' ? 'strong' : 'weak';
      if (o.feedback === 'both')
        learner.observe({ request, model: other, signals: { outcome: 'success', feedback: row.grade[other] } });
    }
    const spent = {
      side,
      inputTokens,
      output: row.outputTokens ?? typical,
      judgeCost,
      explored: decision.reason === 'explore',
    };
    for (const t of i >= half ? [whole, lastHalf] : [whole]) tally(t, row, spent);
    if (i >= half) ranked.push(rankedRequest(row, decision.estimates, inputTokens, spent.output));
  });
  const distinctPrompts = new Set(order).size;
  const floor = o.objective.kind === 'quality-floor' ? o.objective.floor : undefined;
  const runQuality = lastHalf.qualityStrong > 0 ? lastHalf.quality / lastHalf.qualityStrong : 1;
  return {
    whole,
    lastHalf,
    distinctPrompts,
    judgeNoSignal: noSignal,
    finalLambda: lambda,
    hindsight: floor === undefined ? undefined : hindsightThreshold(ranked, floor),
    hindsightAtRunQuality: floor === undefined ? undefined : hindsightThreshold(ranked, runQuality),
  };
}

/** A request with the strong model's estimated gain per unit of cost, as its decision saw it. */
function rankedRequest(
  row: EvalRow,
  estimates: readonly CandidateEstimate[],
  inputTokens: number,
  output: { weak: number; strong: number },
): RankedRequest {
  const weak = estimates.find((e) => e.id === 'weak');
  const strong = estimates.find((e) => e.id === 'strong');
  const score =
    weak && strong ? (strong.mean - weak.mean) / Math.max(strong.relativeCost - weak.relativeCost, 1e-9) : 0;
  return {
    score,
    quality: row.quality,
    cost: { weak: callCost('weak', inputTokens, output.weak), strong: callCost('strong', inputTokens, output.strong) },
  };
}

interface Spent {
  side: 'weak' | 'strong';
  inputTokens: number;
  /** The answer lengths actually billed (the data's, else the typical ones). */
  output: { weak: number; strong: number };
  judgeCost: number;
  explored: boolean;
}

function tally(t: Tally, row: EvalRow, { side, inputTokens, output, judgeCost, explored }: Spent): void {
  t.requests++;
  if (side === 'strong') t.strongCalls++;
  t.quality += row.quality[side];
  t.qualityWeak += row.quality.weak;
  t.qualityStrong += row.quality.strong;
  t.cost += callCost(side, inputTokens, output[side]);
  t.costStrong += callCost('strong', inputTokens, output.strong);
  if (judgeCost > 0) {
    t.judgeCalls++;
    t.judgeCost += judgeCost;
  }
  if (explored) t.explored++;
}
