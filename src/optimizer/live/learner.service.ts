import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { textOf, type ChatMessage } from '@ai-mcp-gateway/provider-sdk';
import { GATEWAY_CONFIG } from '../../config/config.module';
import type { GatewayConfig } from '../../config/config.schema';
import type { CatalogueModel } from '../../providers/model-catalogue';
import { ModelCatalogue } from '../../providers/model-catalogue';
import type { PolicyContext, PolicyOutcome } from '../../routing/model-policy';
import type { Candidate, Decision, LearnerModelView, LearnerSnapshot, Objective, Reward } from '../learning';
import { objectiveLabel, OnlineLearner } from '../learning';
import { LearnerStateRepository } from './learner-state.repository';
import { attemptClassOf, outcomeClassOf } from './outcome-class';
import { PendingCall, PendingCalls } from './pending-calls';

/** The row of learner_state this gateway's learner lives in. */
const STATE_ID = 'default';
/** Prior quality of a model on a task type it is configured strong at. */
const STRONG_PRIOR = 0.9;

/** The text the learner reads of a request: its user turns (the conversation so far), joined. */
export function userText(messages: readonly ChatMessage[]): string {
  let text = '';
  for (const m of messages) if (m.role === 'user') text += (text ? '\n' : '') + textOf(m.content);
  return text;
}

/**
 * The live side of the per-prompt learner (learning/online-learner.ts): decides per request under the
 * operator's objective, learns at once from every outcome, judge grade and caller feedback (all in memory),
 * and saves its state to learner_state every optimizer.learner.persistMs while it changed, so a restart
 * keeps what was learned. Replicas: a save goes over the version this replica last read or wrote; when
 * another replica saved in between, this one adopts the saved state (one lineage, the database's) and
 * learns on from there.
 */
@Injectable()
export class LearnerService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('Learner');
  readonly learner: OnlineLearner;
  private readonly pending = new PendingCalls();
  private readonly models: CatalogueModel[];
  private readonly judgeModel?: string;
  private readonly persistMs: number;
  private version = 0;
  private dirty = 0;
  private timer?: NodeJS.Timeout;
  private saving?: Promise<void>;
  /** When an outcome or grade last taught the learner (epoch ms, this process; null before the first). */
  private learnedAt: number | null = null;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly catalogue: ModelCatalogue,
    private readonly repository: LearnerStateRepository,
  ) {
    const o = config.optimizer;
    this.judgeModel = o.judge.model;
    this.persistMs = o.learner.persistMs;
    this.learner = new OnlineLearner({ exploration: o.exploration, seed: o.seed });
    this.models = catalogue.all().filter((m) => m.id !== this.judgeModel);
  }

  async onModuleInit(): Promise<void> {
    try {
      await this.load();
    } catch (err) {
      this.logger.warn(`restoring the learner failed (${(err as Error).message}); it starts from its priors`);
    }
    if (this.persistMs > 0) {
      this.timer = setInterval(() => void this.persist(), this.persistMs);
      this.timer.unref();
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.persist();
  }

  /** Is this model the judge (never routed to)? */
  isJudge(id: string): boolean {
    return id === this.judgeModel;
  }

  /** A catalogue model requests are routed to: what the learner learns from and reports. */
  private routed(id: string): boolean {
    return !this.isJudge(id) && this.catalogue.get(id) !== undefined;
  }

  /**
   * The objective of a request: its own floor, else the config's floor, else the cost-weight utility;
   * relaxed by budgets.nearLimit when its caller is near a budget.
   */
  objective(floor?: number, nearBudget = false): Objective {
    const o = this.config.optimizer;
    const near = nearBudget ? this.config.budgets.nearLimit : undefined;
    const f = floor ?? o.objective.qualityFloor;
    return f === undefined
      ? { kind: 'cost-weight', costWeight: o.costWeight * (near?.costWeightFactor ?? 1), margin: o.margin }
      : { kind: 'quality-floor', floor: Math.max(0, round(f - (near?.floorStep ?? 0))), scope: o.objective.scope };
  }

  /** The objective as the x-gateway-objective header says it (for explain_route). */
  objectiveLabel(floor?: number, nearBudget = false): string {
    return label(this.objective(floor, nearBudget), nearBudget);
  }

  /** The learner's choice for a request (kept until its outcome); undefined with fewer than two models. */
  decide(
    requestId: string,
    taskType: string,
    context: PolicyContext,
  ): { model: CatalogueModel; objective: string } | undefined {
    if (this.models.length < 2) return undefined;
    const request = this.learner.features(userText(context.messages), taskType);
    const candidates: Candidate[] = this.models.map((m) => ({
      id: m.id,
      cost: this.catalogue.estimateCost(m, context.promptTokens, context.maxTokens),
      prior: m.strengths.includes(taskType) ? STRONG_PRIOR : undefined,
    }));
    const objective = this.objective(context.qualityFloor, context.nearBudget);
    const decision = this.learner.decide(request, candidates, objective);
    this.pending.set(requestId, { request, decision });
    const model = this.models.find((m) => m.id === decision.model)!;
    return { model, objective: label(objective, context.nearBudget) };
  }

  /** A routed request's outcome: learned at once (what the model did only; see outcomeClassOf). */
  observe(outcome: PolicyOutcome): PendingCall | undefined {
    if (!this.routed(outcome.model)) return undefined;
    let call = this.pending.get(outcome.requestId);
    if (!call) {
      // Routed without the learner (a rule, a named model): it still teaches how the model did.
      call = { request: this.learner.features(userText(outcome.messages), outcome.taskType) };
      this.pending.set(outcome.requestId, call);
    }
    // A retry or fallback before the end: the failed attempts teach their models' answer rates.
    for (const f of outcome.failedAttempts ?? [])
      if (this.routed(f.model))
        this.learner.observe({ request: call.request, model: f.model, signals: { outcome: attemptClassOf(f.kind) } });
    const model = this.catalogue.get(outcome.model)!;
    call.model = model.id;
    call.prior = model.strengths.includes(call.request.taskType ?? '') ? STRONG_PRIOR : undefined;
    const decision = call.decision?.model === model.id ? call.decision : undefined;
    call.learned = this.learn(call, { outcome: outcomeClassOf(outcome.success, outcome.errorClass) }, decision);
    return call;
  }

  /**
   * A grade of an answered call (the judge's or the caller's, 0..1); caller feedback wins over the judge.
   * False when the call is no longer (or was never) held in memory.
   */
  grade(requestId: string, source: 'judge' | 'feedback', score: number): boolean {
    const call = this.pending.get(requestId);
    if (!call?.model || !call.learned?.teaches || call.learned.success !== true) return false;
    if (source === 'judge') call.judge = score;
    else call.feedback = score;
    call.learned = this.learn(call, { outcome: 'success', feedback: call.feedback, judge: call.judge }, call.decision);
    return true;
  }

  private learn(
    call: PendingCall,
    signals: { outcome: ReturnType<typeof outcomeClassOf>; feedback?: number; judge?: number },
    decision?: Decision,
  ): Reward {
    const learned = this.learner.observe({
      request: call.request,
      model: call.model!,
      prior: call.prior,
      signals,
      decision,
      learned: call.learned,
    });
    if (learned.teaches) {
      this.dirty++;
      this.learnedAt = Date.now();
    }
    return learned;
  }

  /**
   * What the learner has learned, for the console: the graded outcomes it learned from and, per routed
   * model, its own bias and task-type weights. Undefined before its first graded outcome.
   */
  report(): { trainedOn: number; updatedAt: Date | null; models: LearnerModelView[] } | undefined {
    const models = this.learner.view().filter((v) => this.routed(v.model));
    const trainedOn = models.reduce((n, v) => n + v.graded, 0);
    const updatedAt = this.learnedAt === null ? null : new Date(this.learnedAt);
    return trainedOn > 0 ? { trainedOn, updatedAt, models } : undefined;
  }

  /** Saves the state when it changed (adopting the saved one when another replica saved first). */
  async persist(): Promise<void> {
    if (this.saving || this.dirty === 0 || this.persistMs === 0) return this.saving;
    const changes = this.dirty;
    this.saving = (async () => {
      try {
        const saved = await this.repository.save(STATE_ID, this.version, this.learner.snapshot());
        if (saved !== undefined) {
          this.version = saved;
          this.dirty -= changes;
        } else await this.load();
      } catch (err) {
        this.logger.warn(`saving the learner failed (${(err as Error).message}); retrying later`);
      } finally {
        this.saving = undefined;
      }
    })();
    return this.saving;
  }

  private async load(): Promise<void> {
    const stored = await this.repository.load(STATE_ID);
    if (!stored) return;
    this.learner.restore(stored.snapshot as LearnerSnapshot);
    this.version = stored.version;
    this.dirty = 0;
  }
}

/** The x-gateway-objective header: the objective, and whether a budget relaxed it. */
function label(objective: Objective, nearBudget?: boolean): string {
  return objectiveLabel(objective) + (nearBudget ? ';budget=near' : '');
}

/** A floor after a step, without binary noise (0.95 - 0.05 is 0.8999999999999999). */
function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
