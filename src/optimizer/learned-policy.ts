import { Inject, Injectable, Logger, OnModuleInit, Optional } from '@nestjs/common';
import { ModelHealthMonitor } from '../alerts/model-health.monitor';
import { GATEWAY_CONFIG } from '../config/config.module';
import type { GatewayConfig, LayerName } from '../config/config.schema';
import type { CatalogueModel } from '../providers/model-catalogue';
import { ModelCatalogue } from '../providers/model-catalogue';
import type {
  ModelPolicy,
  PolicyChoice,
  PolicyContext,
  PolicyEstimate,
  PolicyExplanation,
  PolicyOutcome,
} from '../routing/model-policy';
import type { Strategy } from './ab-test.entity';
import type { AbTestDto } from './ab-tests.service';
import { AbTestsService } from './ab-tests.service';
import { BanditArm, ThompsonBandit } from './bandit';
import type { ArmRow, FeedbackChange } from './outcomes.service';
import { OutcomesService } from './outcomes.service';
import { JudgeService } from './live/judge.service';
import { LearnerService, userText } from './live/learner.service';
import type { PolicyView } from './policy-view';
import { bestArm, preferredArm, viewOf } from './policy-view';
import { betaInterval, seededRng, unitHash } from './stats';

export type { PolicyView } from './policy-view';

/** Pseudo-observations of the prior (as the default policy): about this many outcomes outweigh it. */
const PRIOR_WEIGHT = 10;

interface RunningTest {
  id: number;
  taskType: string | null;
  split: number;
  strategyA: Strategy;
  strategyB: Strategy;
}

/**
 * The learned routing policy (LEARNED_MODEL_POLICY). For an `auto` request no rule matched it applies a
 * strategy: `learned` (Thompson sampling over every model of the catalogue, per task type, once the task
 * type has minSample outcomes; the classifier's layer until then), `greedy` (best expected utility, no
 * exploration), `static` (the classifier's layer) or `cheapest`. The strategy is the arm of a running
 * A/B test, else the last test's promoted winner, else `learned`. Within a layer, models are ranked by
 * expected utility. Everything here is in memory: rank() and choose() are O(models).
 */
@Injectable()
export class LearnedModelPolicy implements ModelPolicy, OnModuleInit {
  private readonly logger = new Logger('LearnedPolicy');
  readonly bandit: ThompsonBandit;
  private readonly arms: BanditArm[];
  private readonly models = new Map<string, CatalogueModel>();
  private readonly armsById = new Map<string, BanditArm>();
  private readonly cheapest?: BanditArm;
  private readonly minSample: number;
  private readonly enabled: boolean;
  private readonly confidence: number;
  private readonly configuredTests: GatewayConfig['optimizer']['abTests'];
  private tests: RunningTest[] = [];
  private promoted = new Map<string, Strategy>();
  private watermark: Date | null = null;
  private readonly cache = new Map<
    string,
    { version: number; input: readonly CatalogueModel[]; ranked: readonly CatalogueModel[] }
  >();

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    catalogue: ModelCatalogue,
    private readonly outcomes: OutcomesService,
    private readonly abTests: AbTestsService,
    private readonly learner: LearnerService,
    private readonly judge: JudgeService,
    @Optional() private readonly health?: ModelHealthMonitor,
  ) {
    const o = config.optimizer;
    this.minSample = o.minSample;
    this.enabled = o.enabled;
    this.confidence = o.confidence;
    this.configuredTests = o.abTests;
    const all = catalogue.all().filter((m) => !learner.isJudge(m.id));
    const maxPrice = Math.max(0, ...all.map((m) => m.price.input + m.price.output));
    this.arms = all.map((m) => ({
      id: m.id,
      relativePrice: maxPrice > 0 ? (m.price.input + m.price.output) / maxPrice : 0,
      strengths: m.strengths,
    }));
    for (const m of all) this.models.set(m.id, m);
    for (const a of this.arms) this.armsById.set(a.id, a);
    this.cheapest = [...this.arms].sort((a, b) => a.relativePrice - b.relativePrice)[0];
    const rng = o.seed === undefined ? Math.random : seededRng(o.seed);
    this.bandit = new ThompsonBandit(
      {
        costWeight: o.costWeight,
        latencyWeight: o.latencyWeight,
        exploration: o.exploration,
        priorWeight: PRIOR_WEIGHT,
        margin: o.margin,
      },
      rng,
    );
  }

  async onModuleInit(): Promise<void> {
    try {
      for (const problem of await this.abTests.startConfigured(this.configuredTests)) this.logger.warn(problem);
      await this.reload();
    } catch (err) {
      this.logger.warn(`loading the learned policy failed (${(err as Error).message}); routing starts from the priors`);
    }
  }

  /** Rebuilds the posteriors from request_log and the A/B state from ab_tests. */
  async reload(): Promise<void> {
    const [{ rows, watermark }, state] = await Promise.all([this.outcomes.armStats(), this.abTests.routingState()]);
    this.setOutcomes(rows, watermark);
    this.setTests(state.running, state.promoted);
  }

  setOutcomes(rows: readonly ArmRow[], watermark: Date | null): void {
    // Only routed models' outcomes: the judge's own calls (task type `judge`) are not routing.
    this.bandit.reset(rows.filter((r) => this.armsById.has(r.model)));
    this.watermark = watermark;
  }

  setTests(running: readonly AbTestDto[], promoted: Map<string, Strategy>): void {
    // Task-specific tests first: they take precedence over a test of all traffic.
    this.tests = running
      .map((t) => ({
        id: t.id,
        taskType: t.taskType,
        split: t.split,
        strategyA: t.strategyA as Strategy,
        strategyB: t.strategyB as Strategy,
      }))
      .sort((a, b) => Number(b.taskType !== null) - Number(a.taskType !== null));
    this.promoted = promoted;
  }

  /**
   * A feedback score, applied at once: a row the last rebuild counted is corrected (its reward changes
   * from the assumed one to the score), a newer row is added (and counted exactly by the next rebuild).
   */
  applyFeedback(f: FeedbackChange): void {
    if (!this.models.has(f.model)) return;
    this.learner.grade(f.requestId, 'feedback', f.success ? f.score : 0);
    const counted = this.watermark !== null && f.ts < this.watermark;
    const reward = f.success ? f.score : 0;
    if (counted || f.previous !== null) {
      const before = f.success ? (f.previous ?? 1) : 0;
      this.bandit.observe(f.taskType, f.model, { n: 0, reward: reward - before });
    } else {
      this.bandit.observe(f.taskType, f.model, { n: 1, reward });
    }
  }

  /** Best expected utility first; the judge model is never among them (it only grades). */
  rank(taskType: string, layer: LayerName, input: readonly CatalogueModel[]): readonly CatalogueModel[] {
    const key = `${layer}|${taskType}`;
    const hit = this.cache.get(key);
    if (hit && hit.version === this.bandit.version && hit.input === input) return hit.ranked;
    const candidates = input.filter((m) => !this.learner.isJudge(m.id));
    if (candidates.length < 2) return candidates.length === input.length ? input : Object.freeze(candidates);
    const scored = candidates.map((m) => ({ m, u: this.bandit.meanUtility(taskType, this.armOf(m)) }));
    scored.sort((a, b) => b.u - a.u || a.m.order - b.m.order);
    const ranked = Object.freeze(scored.map((x) => x.m));
    if (this.cache.size > 1000) this.cache.clear();
    this.cache.set(key, { version: this.bandit.version, input, ranked });
    return ranked;
  }

  /**
   * The `learned` strategy asks the per-prompt learner (LearnerService) when the request is at hand; the
   * other strategies, and callers without the request, use the task-type posteriors.
   */
  choose(taskType: string, layer: LayerName, requestId: string, context?: PolicyContext): PolicyChoice {
    if (!this.enabled) return { layer, arm: null };
    const { strategy, arm } = this.strategyFor(taskType, requestId);
    if (strategy === 'learned' && context) {
      const pick = this.learner.decide(requestId, taskType, context);
      if (pick) return { layer: pick.model.layer, model: pick.model.id, arm, objective: pick.objective };
    }
    return { ...this.apply(strategy, taskType, layer), arm };
  }

  /** Learns from an outcome at once; a sampled answer goes to the judge (after the response, never on its path). */
  observe(outcome: PolicyOutcome): void {
    if (!this.enabled) return;
    const call = this.learner.observe(outcome);
    if (!call || !outcome.success || !outcome.answer || !this.judge.sampled()) return;
    const { requestId } = outcome;
    void this.judge.grade(requestId, userText(outcome.messages), outcome.answer).then((v) => {
      if (v.kind !== 'score') return;
      this.learner.grade(requestId, 'judge', v.score);
      this.health?.judgeGraded(outcome.model, v.score);
    });
  }

  /** The strategy a request gets: its A/B arm, else the promoted one, else `learned`. */
  strategyFor(taskType: string, requestId: string): { strategy: Strategy; arm: string } {
    for (const t of this.tests) {
      if (t.taskType !== null && t.taskType !== taskType) continue;
      const side = unitHash(`${t.id}:${requestId}`) < t.split ? 'B' : 'A';
      const strategy = side === 'A' ? t.strategyA : t.strategyB;
      return { strategy, arm: `ab:${t.id}:${side}:${strategy}` };
    }
    const strategy = this.promoted.get(taskType) ?? this.promoted.get('*') ?? 'learned';
    return { strategy, arm: strategy };
  }

  /** The strategy of traffic outside A/B tests (the promoted one, else learned) and the A/B test of all traffic, if one runs. */
  strategyState(): { default: Strategy; abTestId: number | null } {
    const all = this.tests.find((t) => t.taskType === null) ?? this.tests[0];
    return { default: this.promoted.get('*') ?? 'learned', abTestId: all?.id ?? null };
  }

  /** When the posteriors were last rebuilt from request_log (null before the first rebuild). */
  get rebuiltAt(): Date | null {
    return this.watermark;
  }

  /** Whether requests may be routed to the model (every catalogue model but the judge). */
  routes(modelId: string): boolean {
    return this.armsById.has(modelId);
  }

  /** Every model's posterior estimate on a task type (mean, credible interval at optimizer.confidence, n, utility). */
  estimates(taskType: string): Map<string, PolicyEstimate> {
    const out = new Map<string, PolicyEstimate>();
    for (const arm of this.arms) {
      const { alpha, beta } = this.bandit.posterior(taskType, arm);
      const { lower, upper } = betaInterval(alpha, beta, this.confidence);
      out.set(arm.id, {
        mean: alpha / (alpha + beta),
        lower,
        upper,
        n: this.bandit.get(taskType, arm.id)?.n ?? 0,
        utility: this.bandit.meanUtility(taskType, arm),
      });
    }
    return out;
  }

  /** The model the learned strategy expects to pick: the cheapest within `margin` of the best mean utility. */
  preferred(taskType: string): string | undefined {
    return preferredArm(this.bandit, taskType, this.arms)?.id;
  }

  explain(taskType: string, layer: LayerName, requestId: string): PolicyExplanation {
    const estimates = this.estimates(taskType);
    const warm = this.warm(taskType);
    if (!this.enabled) {
      const note = 'the optimizer is off: the classifier decides';
      return { strategy: 'static', arm: null, warm, layer, note, estimates };
    }
    const { strategy, arm } = this.strategyFor(taskType, requestId);
    const objective = strategy === 'learned' ? this.learner.objectiveLabel() : undefined;
    const base = { strategy, arm, warm, estimates, objective };
    const pick = (id: string | undefined, note: string) => {
      const model = id ? this.models.get(id) : undefined;
      return model ? { ...base, layer: model.layer, model: model.id, note } : { ...base, layer, note };
    };
    if (strategy === 'cheapest') return pick(this.cheapest?.id, 'the cheapest model of the catalogue');
    if (strategy === 'static') return pick(undefined, 'static strategy: the classifier decides the layer');
    if (strategy === 'learned')
      return pick(
        warm ? this.preferred(taskType) : undefined,
        `learned: the per-prompt learner decides each request by ${objective} from the prompt's features (the model here is the task type's expectation)`,
      );
    if (!warm)
      return pick(undefined, `warming up (fewer than ${this.minSample} outcomes): the classifier decides the layer`);
    return pick(this.best(taskType)?.id, 'greedy: the best expected utility');
  }

  /** Has this task type enough outcomes for the learned strategies? */
  warm(taskType: string): boolean {
    return this.bandit.observed(taskType, this.arms) >= this.minSample;
  }

  private apply(strategy: Strategy, taskType: string, layer: LayerName): { layer: LayerName; model?: string } {
    let arm: BanditArm | undefined;
    if (strategy === 'cheapest') arm = this.cheapest;
    else if (strategy === 'learned' && this.warm(taskType)) arm = this.bandit.choose(taskType, this.arms);
    else if (strategy === 'greedy' && this.warm(taskType)) arm = this.best(taskType);
    const model = arm ? this.models.get(arm.id) : undefined;
    return model ? { layer: model.layer, model: model.id } : { layer };
  }

  private best(taskType: string): BanditArm | undefined {
    return bestArm(this.bandit, taskType, this.arms);
  }

  private armOf(m: CatalogueModel): BanditArm {
    return this.armsById.get(m.id) ?? { id: m.id, relativePrice: 0, strengths: m.strengths };
  }

  /** The learned ranking of every task type with outcomes (best expected utility first). */
  view(): PolicyView[] {
    return viewOf(this.bandit, this.arms, this.minSample);
  }

  /** The ranking these outcomes would give (a run's plan), without changing the live policy. */
  preview(rows: readonly ArmRow[]): PolicyView[] {
    const scratch = new ThompsonBandit(this.bandit.options, Math.random);
    scratch.reset(rows);
    return viewOf(scratch, this.arms, this.minSample);
  }
}
