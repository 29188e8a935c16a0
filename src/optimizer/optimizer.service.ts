import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { GATEWAY_CONFIG } from '../config/config.module';
import type { GatewayConfig } from '../config/config.schema';
import { DatabaseService } from '../database/database.service';
import { HeuristicsService } from '../heuristics/heuristics.service';
import { ModelCatalogue } from '../providers/model-catalogue';
import { RecorderService } from '../recording/recorder.service';
import { ConflictError } from '../errors';
import { abChange, decideAbTest } from './ab-decision';
import { AbTestsService } from './ab-tests.service';
import { LearnedModelPolicy, PolicyView } from './learned-policy';
import type { OptimizerTrigger } from '../optimizer-runs/optimizer-run.entity';
import { OptimizerRunsService } from '../optimizer-runs/optimizer-runs.service';
import { ArmRow, OutcomesService } from './outcomes.service';
import { OptimizerChange, proposeRules, ScoringOptions, scoreRules } from './rule-scoring';
import { acquireRun, Mutex } from './run-lock';

export interface RunOptions {
  trigger: OptimizerTrigger;
  dryRun?: boolean;
  tick?: string | null;
  /** Told how far the run is (0-1) and what it is doing (the CLI draws a progress bar with it). */
  onProgress?: (share: number, what: string) => void;
}

export interface RunReport {
  /** False when another replica (or an earlier run) already holds this tick. */
  ran: boolean;
  runId: number | null;
  trigger: OptimizerTrigger;
  dryRun: boolean;
  tick: string | null;
  startedAt: string;
  finishedAt: string;
  changes: OptimizerChange[];
  policy: PolicyView[];
}

/** What a run will change, computed before anything is written. */
interface Plan {
  arms: ArmRow[];
  watermark: Date | null;
  changes: OptimizerChange[];
  view: PolicyView[];
}

const RULE_LIMIT = 10_000;

/**
 * One optimizer run: reads request_log (with feedback) in the window and plans every change (rule
 * priorities and deactivations, proposed rules, A/B conclusions, the learned policy's update); a dry
 * run returns the plan, a real one applies it through the heuristics and A/B services and writes the
 * audit row. Runs are serialised in this process and elected across replicas (see acquireRun).
 */
@Injectable()
export class OptimizerService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Optimizer');
  private readonly mutex = new Mutex();
  private readonly scoring: ScoringOptions;
  /** The policy as of the last run (or start): the `before` of policy.update changes. */
  private lastView: PolicyView[] = [];
  /** Told of every run that applied changes (optimizer.replayAfterRun: the regression replay). */
  private readonly afterRun: Array<(report: RunReport) => Promise<void>> = [];

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly db: DatabaseService,
    private readonly outcomes: OutcomesService,
    private readonly heuristics: HeuristicsService,
    private readonly abTests: AbTestsService,
    private readonly policy: LearnedModelPolicy,
    private readonly catalogue: ModelCatalogue,
    private readonly recorder: RecorderService,
    private readonly runs: OptimizerRunsService,
  ) {
    const o = config.optimizer;
    const maxPrice = Math.max(0, ...catalogue.all().map((m) => m.price.input + m.price.output));
    const relativePrice = (id: string) => {
      const m = catalogue.get(id);
      return m && maxPrice > 0 ? (m.price.input + m.price.output) / maxPrice : 0;
    };
    this.scoring = {
      minSample: o.minSample,
      confidence: o.confidence,
      costWeight: o.costWeight,
      latencyWeight: o.latencyWeight,
      relativePrice,
    };
  }

  onApplicationBootstrap(): void {
    this.lastView = this.policy.view();
  }

  /**
   * Runs once (serialised in this process); `ran: false` when another replica has the lock or the tick.
   * @throws ConflictError when a tool or CLI run loses the election to another replica
   */
  async run(opts: RunOptions): Promise<RunReport> {
    const report = await this.mutex.exclusive(() => this.runExclusive(opts));
    if (!report.ran || report.dryRun || report.changes.length === 0) return report;
    for (const listener of this.afterRun)
      await listener(report).catch((err: Error) => this.logger.error(`after optimizer run: ${err.message}`));
    return report;
  }

  /** `listener` runs after each run that applied changes, outside the run's lock. */
  onApplied(listener: (report: RunReport) => Promise<void>): void {
    this.afterRun.push(listener);
  }

  private async runExclusive(opts: RunOptions): Promise<RunReport> {
    const dryRun = opts.dryRun ?? false;
    const tick = opts.tick ?? null;
    const startedAt = new Date().toISOString();
    const base = { trigger: opts.trigger, dryRun, tick, startedAt };
    const slot = await acquireRun(this.db, this.runs, this.config.database.url, {
      trigger: opts.trigger,
      dryRun,
      tick,
    });
    if (!slot)
      return { ...base, ran: false, runId: null, finishedAt: new Date().toISOString(), changes: [], policy: [] };
    const applied: OptimizerChange[] = [];
    let plan: Plan | undefined;
    const progress = opts.onProgress ?? (() => undefined);
    try {
      progress(0, 'writing pending records');
      await this.recorder.flush();
      progress(0.1, 'reading outcomes');
      plan = await this.plan();
      progress(0.4, `${plan.changes.length} change(s) planned`);
      if (!dryRun)
        await this.apply(plan, applied, (done) => progress(0.4 + (0.6 * done) / plan!.changes.length, 'applying'));
      progress(1, dryRun ? 'dry run: nothing written' : `${applied.length} change(s) applied`);
    } finally {
      await slot.finish(dryRun ? null : applied);
    }
    const changes = dryRun ? plan.changes : applied;
    if (!dryRun)
      this.logger.log(
        `optimizer run ${slot.id} (${opts.trigger}${tick ? ` ${tick}` : ''}): ${changes.length} change(s)`,
      );
    return { ...base, ran: true, runId: slot.id, finishedAt: new Date().toISOString(), changes, policy: plan.view };
  }

  private async plan(): Promise<Plan> {
    const [{ rows: arms, watermark }, ruleStats, rules, running] = await Promise.all([
      this.outcomes.armStats(),
      this.outcomes.ruleStats(),
      this.heuristics.listRules({ limit: RULE_LIMIT }),
      this.abTests.list('running'),
    ]);
    const changes: OptimizerChange[] = [...scoreRules(rules.items, ruleStats, arms, this.scoring)];
    const patterns = new Set(rules.items.map((r) => r.pattern));
    changes.push(...proposeRules(arms, patterns, (id) => this.catalogue.get(id)?.layer, this.scoring));
    for (const test of running) {
      const decision = decideAbTest(await this.outcomes.abMoments(test.id), this.scoring, test.maxSample);
      if (decision.concluded) changes.push(abChange(test, decision));
    }
    const view = this.policy.preview(arms);
    changes.push(...policyChanges(this.lastView, view));
    return { arms, watermark, changes, view };
  }

  /** Applies the plan change by change; `applied` holds what was done (the audit), even if one fails. */
  private async apply(plan: Plan, applied: OptimizerChange[], progress: (done: number) => void): Promise<void> {
    for (const [i, change] of plan.changes.entries()) {
      if (await this.applyOne(change)) applied.push(change);
      progress(i + 1);
    }
    this.lastView = plan.view;
    // Posteriors from request_log as of now (the plan's, plus anything recorded since) and the A/B state just written.
    await this.policy.reload();
  }

  private async applyOne(change: OptimizerChange): Promise<boolean> {
    const after = change.after as Record<string, unknown>;
    switch (change.kind) {
      case 'rule.priority':
      case 'rule.deactivate': {
        const id = Number(change.target.slice('rule:'.length));
        const current = await this.heuristics.getRule(id);
        if (!current || current.pinned) return false;
        const patch = change.kind === 'rule.priority' ? { priority: after.priority as number } : { active: false };
        await this.heuristics.updateRule(id, {
          ...patch,
          metadata: { optimizer: { at: new Date().toISOString(), ...change.evidence } },
        });
        return true;
      }
      case 'rule.propose': {
        const p = after as { pattern: string; preferredLayer: 'fast' | 'balanced' | 'deep'; preferredModel: string };
        const { created } = await this.heuristics.upsertRule({
          pattern: p.pattern,
          preferredLayer: p.preferredLayer,
          preferredModel: p.preferredModel,
          active: false,
          priority: 0,
          source: 'optimizer',
          reasoning: `proposed by the optimizer: ${JSON.stringify(change.evidence)}`.slice(0, 2000),
        });
        return created;
      }
      case 'ab.conclude': {
        const id = Number(change.target.split(':')[1]);
        await this.abTests.conclude(id, 'finished', (after.winner as 'A' | 'B') ?? null, change.evidence);
        return true;
      }
      case 'policy.update':
        return true;
    }
  }

  /** Runs and audit rows, newest first. */
  async listRuns(limit = 20): Promise<
    Array<{
      id: number;
      trigger: string;
      tick: string | null;
      startedAt: string;
      finishedAt: string | null;
      changes: OptimizerChange[];
    }>
  > {
    return (await this.runs.list(limit)).map((r) => ({ ...r, changes: r.changes as OptimizerChange[] }));
  }

  /** @throws ConflictError when a tool or CLI run lost the election to another replica */
  static assertRan(report: RunReport): RunReport {
    if (!report.ran)
      throw new ConflictError('another replica is running the optimizer right now; try again in a moment');
    return report;
  }
}

/** A policy.update change per task type whose learned ranking (order of models) changed since the last run. */
export function policyChanges(before: readonly PolicyView[], after: readonly PolicyView[]): OptimizerChange[] {
  const prev = new Map(before.map((v) => [v.taskType, v]));
  const out: OptimizerChange[] = [];
  for (const v of after) {
    const p = prev.get(v.taskType);
    const order = v.models.map((m) => m.model).join(',');
    if (p && p.models.map((m) => m.model).join(',') === order && p.warm === v.warm) continue;
    out.push({
      kind: 'policy.update',
      target: `policy:${v.taskType}`,
      before: p ? { ranking: p.models.map((m) => m.model), warm: p.warm } : null,
      after: { ranking: v.models.map((m) => m.model), warm: v.warm },
      evidence: { observed: v.observed, models: v.models },
    });
  }
  return out;
}
