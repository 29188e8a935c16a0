import { InvalidInputError } from '../../errors';
import type { WeightPrior, WeightSetState } from './bayes-logistic';
import type { FeatureOptions, FeatureVector } from './features';
import type { CandidateEstimate, ChoiceReason, Objective } from './objective';
import type { PromptMemoryOptions, PromptMemoryState } from './prompt-memory';
import type { ResidualState } from './residuals';
import type { OutcomeSignals, Reward } from './reward';

/** The floor calibrator's settings (floor-calibrator.ts). */
export interface CalibratorOptions {
  /** Recent requests the price of quality is set on. */
  window: number;
  /** Re-estimate the window and recompute the prices after this many new requests. */
  every: number;
  /** Most distinct floors kept (a request header may ask for its own). */
  maxFloors: number;
}

export interface CalibratorState {
  lambdas: Array<[number, number]>;
}

/** A request as the learner sees it: the prompt's features and the task type, when one is known. */
export interface RequestFeatures {
  readonly vector: FeatureVector;
  readonly taskType?: string;
  /** The prompt's digest (prompt-memory.ts), when the prompt memory is on. */
  readonly key?: string;
}

/** A model the request may go to. */
export interface Candidate {
  id: string;
  /** This request's estimated cost on this model (USD, or any unit common to the candidates), >= 0. */
  cost: number;
  /** Prior quality for this request (a configured strength), 0..1; the learner's default otherwise. */
  prior?: number;
  /** Extra penalty of the cost-weight utility (latency), >= 0. */
  penalty?: number;
}

export interface LearnerOptions {
  features: Partial<FeatureOptions>;
  /** Prior variances of each model's own weights. */
  modelPrior: WeightPrior;
  /** Prior variances of the weights every model shares (how hard a kind of prompt is). */
  sharedPrior: WeightPrior;
  calibration: Partial<CalibratorOptions>;
  /** The memory of grades per exact prompt (prompt-memory.ts). */
  promptMemory: Partial<PromptMemoryOptions>;
  /** Share of decisions sent to another candidate than the objective's, so every model keeps getting evidence. */
  exploration: number;
  /** Prior standard deviation of the estimates' bias where the floor trades quality (0..1 points). */
  estimateBiasSd: number;
  /** Width of the confidence bounds in standard deviations (1: about 84% one-sided). */
  confidenceZ: number;
  /** Prior quality of a model on a request, before any outcome (0..1); a candidate may bring its own. */
  priorQuality: number;
  /** Seed of the exploration and Thompson draws (omit for Math.random). */
  seed?: number;
}

export const DEFAULT_LEARNER_OPTIONS: LearnerOptions = {
  features: {},
  modelPrior: { biasVariance: 1, tagVariance: 0.5, lexicalVariance: 0.2 },
  sharedPrior: { biasVariance: 0, tagVariance: 1, lexicalVariance: 1 },
  calibration: {},
  promptMemory: {},
  exploration: 0.05,
  estimateBiasSd: 0.05,
  confidenceZ: 1,
  priorQuality: 0.8,
};

export interface Decision {
  model: string;
  objective: Objective;
  reason: ChoiceReason;
  /** The objective's own choice (differs from `model` when the decision explored). */
  ruleChoice: string;
  /** The price of quality that applied (traffic-scope floor only). */
  lambda?: number;
  estimates: CandidateEstimate[];
}

export interface Observation {
  request: RequestFeatures;
  model: string;
  /** The prior the decision used for this model (so the learned part is the same on both sides). */
  prior?: number;
  signals: OutcomeSignals;
  /** The decision of this call, when still at hand: lets the floor measure how far its estimates were off. */
  decision?: Pick<Decision, 'objective' | 'reason' | 'ruleChoice' | 'estimates'>;
  /** What an earlier observe() of the same call learned (a later grade corrects it, never counts twice). */
  learned?: Reward;
}

export interface LearnerSnapshot {
  version: 1;
  bits: number;
  shared: WeightSetState;
  models: Array<{ id: string; quality: WeightSetState; availability: [number, number] }>;
  residuals: ResidualState;
  calibrator: CalibratorState;
  /** Grades per exact prompt (absent in snapshots taken before the prompt memory). */
  prompts?: PromptMemoryState;
}

/** Most models the learner keeps state for (each costs 2 x 2^bits float32). */
export const MAX_MODELS = 256;

/** Validates the options (each a number in its range, the prior variances >= 0); throws naming the field. */
export function checkLearnerOptions(o: LearnerOptions): LearnerOptions {
  const range = (field: string, v: number, ok: boolean, what: string) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok) throw InvalidInputError.field(field, `must be ${what}`);
  };
  range('exploration', o.exploration, o.exploration >= 0 && o.exploration < 1, 'in [0, 1)');
  range('confidenceZ', o.confidenceZ, o.confidenceZ >= 0 && o.confidenceZ <= 5, 'in [0, 5]');
  range('priorQuality', o.priorQuality, o.priorQuality > 0 && o.priorQuality < 1, 'in (0, 1)');
  range('estimateBiasSd', o.estimateBiasSd, o.estimateBiasSd > 0 && o.estimateBiasSd <= 1, 'in (0, 1]');
  for (const [name, prior] of [
    ['modelPrior', o.modelPrior],
    ['sharedPrior', o.sharedPrior],
  ] as const)
    for (const key of ['biasVariance', 'tagVariance', 'lexicalVariance'] as const)
      range(`${name}.${key}`, prior[key], prior[key] >= 0 && prior[key] <= 100, 'in [0, 100]');
  return o;
}
