import { InvalidInputError } from '../../errors';
import type { Rng } from '../stats';
import { seededRng, standardNormal } from '../stats';
import { AvailabilityStats } from './availability';
import { learnOutcome, relabelOutcome, WeightSet } from './bayes-logistic';
import { PromptFeaturizer } from './features';
import { FloorCalibrator } from './floor-calibrator';
import type { CandidateEstimate, Objective, ObjectiveChoice } from './objective';
import { referenceIndex, checkObjective, chooseByUtility, chooseForRequest, chooseForTraffic } from './objective';
import type { Recall } from './prompt-memory';
import { PromptMemory, promptKey } from './prompt-memory';
import { ResidualTracker } from './residuals';
import type { Reward } from './reward';
import { checkGrade, resolveReward } from './reward';
import type { Candidate, Decision, LearnerOptions, LearnerSnapshot, Observation, RequestFeatures } from './types';
import { checkLearnerOptions, DEFAULT_LEARNER_OPTIONS, MAX_MODELS } from './types';

/** What the console shows of one model's learned weights (OnlineLearner.view). */
export interface LearnerModelView {
  model: string;
  graded: number;
  answered: number;
  bias: number;
  taskTypes: Array<{ taskType: string; weight: number }>;
}

/** Decay of the recent cheaper-choice share (an effective memory of about 200 decisions). */
const SHARE_DECAY = 0.995;

/**
 * The per-prompt learner: a Bayesian logistic model of answer quality per model (hashed prompt features,
 * task type, bias; plus weights shared by all models) and an answer rate per model; decides by the
 * operator's objective with a small exploration share; learns at once from every outcome. Pure: no I/O.
 */
export class OnlineLearner {
  readonly options: LearnerOptions;
  readonly featurizer: PromptFeaturizer;
  private shared: WeightSet;
  private readonly quality = new Map<string, WeightSet>();
  private readonly availability = new Map<string, AvailabilityStats>();
  private readonly residuals: ResidualTracker;
  private readonly calibrator: FloorCalibrator;
  private readonly memory: PromptMemory;
  private readonly rng: Rng;
  /** Recent share of floor decisions that chose a cheaper model than the best (decayed). */
  private cheaperShare = 0;

  constructor(options: Partial<LearnerOptions> = {}) {
    this.options = checkLearnerOptions({ ...DEFAULT_LEARNER_OPTIONS, ...options });
    const { exploration, confidenceZ } = this.options;
    this.featurizer = new PromptFeaturizer(this.options.features);
    this.shared = new WeightSet(this.featurizer.options.bits, this.options.sharedPrior);
    this.residuals = new ResidualTracker(MAX_MODELS, this.options.estimateBiasSd);
    this.calibrator = new FloorCalibrator(
      this.options.calibration,
      exploration,
      (id) => this.residuals.correction(id, confidenceZ),
      (request, candidates, recall) => this.estimate(request, candidates, false, recall ?? []),
    );
    this.memory = new PromptMemory(this.options.promptMemory);
    this.rng = this.options.seed === undefined ? Math.random : seededRng(this.options.seed);
  }

  /** A request's features (computed once; keep them with the call until its outcome and grades arrive). */
  features(prompt: string, taskType?: string): RequestFeatures {
    const key = this.memory.options.maxPrompts > 0 ? promptKey(prompt, taskType || undefined) : undefined;
    return { vector: this.featurizer.featurize(prompt), taskType: taskType || undefined, key };
  }

  /**
   * What the learner believes of each candidate for this request (`draw`: a Thompson sample too, else 0).
   * `recall`: the prompt memory as it was when the request was decided (the floor's calibration re-estimates
   * past requests: with what came after, hindsight would make any price of quality look safe); by default
   * the memory as it is now.
   */
  estimate(
    request: RequestFeatures,
    candidates: readonly Candidate[],
    draw = true,
    recall: ReadonlyArray<Recall | undefined> = this.recall(request, candidates),
  ): CandidateEstimate[] {
    let maxCost = 0;
    for (const c of candidates) {
      if (!Number.isFinite(c.cost) || c.cost < 0)
        throw InvalidInputError.field(`candidates.${c.id}.cost`, 'must be a finite number >= 0');
      if (c.cost > maxCost) maxCost = c.cost;
    }
    const z = this.options.confidenceZ;
    const shared = this.shared.predict(request.vector, request.taskType);
    return candidates.map((c, i) => {
      const own = this.model(c.id).predict(request.vector, request.taskType);
      const logit = this.offset(c.prior) + shared.mean + own.mean;
      // Bounds from the model's own uncertainty: the shared part moves every model alike.
      const sd = Math.sqrt(own.variance);
      const answered = this.avail(c.id).mean();
      // This very prompt's grades of the model, when it answered it before, pull the estimate their way.
      const seen = recall[i];
      const at = seen
        ? (x: number) => answered * ((1 - seen.weight) * sigmoid(x) + seen.weight * seen.mean)
        : (x: number) => answered * sigmoid(x);
      return {
        id: c.id,
        relativeCost: maxCost > 0 ? c.cost / maxCost : 0,
        mean: at(logit),
        lower: at(logit - z * sd),
        upper: at(logit + z * sd),
        // Thompson draws from the bias and task-type uncertainty (what more outcomes resolve), not from the
        // prior of words never seen (a novel prompt would otherwise make every draw a coin toss).
        sample: draw ? at(logit + Math.sqrt(own.coarseVariance + shared.coarseVariance) * standardNormal(this.rng)) : 0,
        penalty: c.penalty ?? 0,
      };
    });
  }

  /** One decision: the candidate the objective picks (or, with probability `exploration`, another one). */
  decide(request: RequestFeatures, candidates: readonly Candidate[], objective: Objective): Decision {
    if (candidates.length === 0) throw InvalidInputError.field('candidates', 'must not be empty');
    checkObjective(objective);
    const recall = this.recall(request, candidates);
    const estimates = this.estimate(request, candidates, true, recall);
    if (candidates.length === 1) return this.decision(objective, estimates, { index: 0, reason: 'only-candidate' });
    let lambda: number | undefined;
    let choice: ObjectiveChoice;
    if (objective.kind === 'cost-weight') choice = chooseByUtility(estimates, objective.costWeight, objective.margin);
    else if (objective.scope === 'request') choice = chooseForRequest(estimates, objective.floor);
    else {
      lambda = this.calibrator.lambdaFor(objective.floor);
      choice = chooseForTraffic(estimates, lambda);
      this.calibrator.record(request, candidates, estimates, recall);
    }
    const rule = estimates[choice.index].id;
    const explored = this.explore(estimates, choice.index, objective);
    if (explored !== undefined) choice = { index: explored, reason: 'explore' };
    return { ...this.decision(objective, estimates, choice, lambda), ruleChoice: rule };
  }

  /** What the prompt memory holds of each candidate for this very prompt. */
  private recall(request: RequestFeatures, candidates: readonly Candidate[]): Array<Recall | undefined> {
    return candidates.map((c) => this.memory.recall(request.key, c.id));
  }

  /** Learns one outcome at once; returns what it learned (store it: a later grade of the call corrects it). */
  observe(o: Observation): Reward {
    if (typeof o.model !== 'string' || o.model === '') throw InvalidInputError.field('model', 'must be a model id');
    if (o.prior !== undefined) checkGrade(o.prior, 'prior');
    const reward = resolveReward(o.signals);
    if (!reward.teaches) return reward;
    const before = o.learned?.teaches ? o.learned : undefined;
    if (before?.success === undefined && reward.success !== undefined) this.avail(o.model).add(reward.success);
    if (reward.quality !== undefined) {
      const sets = [this.shared, this.model(o.model)];
      const offset = this.offset(o.prior);
      const { vector, taskType, key } = o.request;
      if (key !== undefined) {
        // A repeat's grade against the estimate without the memory measures how alike repeats are.
        const general =
          before === undefined && this.memory.recall(key, o.model)
            ? sigmoid(
                this.offset(o.prior) +
                  this.shared.predict(vector, taskType).mean +
                  this.model(o.model).predict(vector, taskType).mean,
              )
            : undefined;
        this.memory.grade(key, o.model, reward.quality, before?.quality, general);
      }
      if (before?.quality !== undefined) relabelOutcome(sets, vector, taskType, offset, before.quality, reward.quality);
      else {
        if (o.decision) this.measure(o.model, reward.quality, o.decision);
        learnOutcome(sets, vector, taskType, offset, reward.quality);
      }
    }
    this.calibrator.maybeRefresh();
    return reward;
  }

  /**
   * Per model (for the console): graded outcomes learned, answer rate, its own bias weight and its own
   * task-type weights, largest |weight| first (where it differs from the others, in logits). Lexical
   * weights are hashed slots without names, so they are counted, not listed.
   */
  view(): LearnerModelView[] {
    return [...this.quality.keys()].sort().map((id) => {
      const set = this.model(id);
      const taskTypes = set
        .tagWeights()
        .map((t) => ({ taskType: t.tag, weight: t.mean }))
        .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight) || a.taskType.localeCompare(b.taskType));
      return { model: id, graded: set.updates, answered: this.avail(id).mean(), bias: set.biasWeight.mean, taskTypes };
    });
  }

  snapshot(): LearnerSnapshot {
    const ids = new Set([...this.quality.keys(), ...this.availability.keys()]);
    return {
      version: 1,
      bits: this.featurizer.options.bits,
      shared: this.shared.snapshot(),
      models: [...ids].sort().map((id) => ({
        id,
        quality: this.model(id).snapshot(),
        availability: this.avail(id).snapshot(),
      })),
      residuals: this.residuals.snapshot(),
      calibrator: this.calibrator.snapshot(),
      prompts: this.memory.snapshot(),
    };
  }

  /** Replaces the learned state with a snapshot's (taken by a learner with the same feature space). */
  restore(snapshot: LearnerSnapshot): void {
    if (snapshot?.version !== 1) throw InvalidInputError.field('snapshot.version', 'must be 1');
    const bits = this.featurizer.options.bits;
    if (snapshot.bits !== bits) throw InvalidInputError.field('snapshot.bits', `must be ${bits} (this feature space)`);
    if (!Array.isArray(snapshot.models) || snapshot.models.length > MAX_MODELS)
      throw InvalidInputError.field('snapshot.models', `must be a list of at most ${MAX_MODELS} models`);
    try {
      const shared = new WeightSet(bits, this.options.sharedPrior);
      shared.restore(snapshot.shared);
      const models = snapshot.models.map((m) => {
        const set = new WeightSet(bits, this.options.modelPrior);
        set.restore(m.quality);
        return { id: String(m.id), set, availability: AvailabilityStats.from(m.availability) };
      });
      this.residuals.restore(snapshot.residuals);
      this.calibrator.restore(snapshot.calibrator);
      this.memory.restore(snapshot.prompts);
      this.shared = shared;
      this.quality.clear();
      this.availability.clear();
      for (const m of models) {
        this.quality.set(m.id, m.set);
        this.availability.set(m.id, m.availability);
      }
    } catch (err) {
      if (err instanceof InvalidInputError) throw err;
      throw InvalidInputError.field('snapshot', (err as Error).message);
    }
  }

  /**
   * Exploration, `exploration` of the traffic in all. With a quality floor it is split evenly between the
   * two kinds of evidence the floor needs: a cheaper model tried where the best one was chosen, and the
   * best one tried where a cheaper one was chosen (the quality the floor gives up there). Otherwise a
   * uniformly random other candidate.
   */
  private explore(estimates: readonly CandidateEstimate[], pick: number, objective: Objective): number | undefined {
    const eps = this.options.exploration;
    const others = estimates.length - 1;
    if (objective.kind !== 'quality-floor') {
      if (this.rng() >= eps) return undefined;
      const other = Math.floor(this.rng() * others);
      return other >= pick ? other + 1 : other;
    }
    const best = referenceIndex(estimates);
    const cheaper = pick !== best;
    this.cheaperShare = this.cheaperShare * SHARE_DECAY + (cheaper ? 1 - SHARE_DECAY : 0);
    const side = cheaper ? this.cheaperShare : 1 - this.cheaperShare;
    if (this.rng() >= Math.min(1, eps / 2 / Math.max(side, eps))) return undefined;
    if (cheaper) return best;
    const other = Math.floor(this.rng() * others);
    return other >= pick ? other + 1 : other;
  }

  /** How far the decision's estimate of this model was from the grade, where the floor needs to know. */
  private measure(model: string, grade: number, d: NonNullable<Observation['decision']>): void {
    const estimate = d.estimates.find((e) => e.id === model);
    if (!estimate || d.estimates.length < 2 || d.objective.kind !== 'quality-floor') return;
    const best = d.estimates[referenceIndex(d.estimates)].id;
    if (d.ruleChoice === best) return;
    // A cheaper model chosen by the rule, or the best one explored where a cheaper one was chosen.
    if (d.reason !== 'explore' && model === d.ruleChoice) this.residuals.add(model, 'chosen', grade - estimate.mean);
    else if (d.reason === 'explore' && model === best)
      this.residuals.add(model, 'counterfactual', grade - estimate.mean);
  }

  private decision(
    objective: Objective,
    estimates: CandidateEstimate[],
    choice: ObjectiveChoice,
    lambda?: number,
  ): Decision {
    const model = estimates[choice.index].id;
    return { model, objective, reason: choice.reason, ruleChoice: model, lambda, estimates };
  }

  private offset(prior: number | undefined): number {
    // Clamped: a prior of exactly 0 or 1 would leave nothing to learn.
    const p = Math.min(0.99, Math.max(0.01, prior ?? this.options.priorQuality));
    return Math.log(p / (1 - p));
  }

  private model(id: string): WeightSet {
    let m = this.quality.get(id);
    if (!m) {
      if (this.quality.size >= MAX_MODELS)
        throw InvalidInputError.field('model', `the learner keeps at most ${MAX_MODELS} models`);
      m = new WeightSet(this.featurizer.options.bits, this.options.modelPrior);
      this.quality.set(id, m);
    }
    return m;
  }

  private avail(id: string): AvailabilityStats {
    let a = this.availability.get(id);
    if (!a) {
      a = new AvailabilityStats();
      this.availability.set(id, a);
    }
    return a;
  }
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}
