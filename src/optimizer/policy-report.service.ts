import { Inject, Injectable } from '@nestjs/common';
import { GATEWAY_CONFIG } from '../config/config.module';
import type { GatewayConfig } from '../config/config.schema';
import type { ConsoleToolOutput } from '@ai-mcp-gateway/console-contract';
import { ModelCatalogue } from '../providers/model-catalogue';
import { objectiveInForce, ObjectiveInForce } from '../routing/objective';
import { decideAbTest } from './ab-decision';
import { AbTestDto, AbTestsService } from './ab-tests.service';
import { LearnedModelPolicy } from './learned-policy';
import { LearnerService } from './live/learner.service';
import { ArmRow, OutcomesService } from './outcomes.service';

type PolicyReport = ConsoleToolOutput<'get_policy'>;
type TaskTypeReport = PolicyReport['taskTypes'][number];
type AbEvidence = PolicyReport['abTests'][number];

/**
 * The learned policy as the console shows it: per task type each model's posterior quality (mean and
 * credible interval at optimizer.confidence) with its n and utility, its share of the task type's traffic
 * and cost per request over the window (request_log), the model the objective prefers now, and the live
 * evidence of running A/B tests. Reads only: nothing in the policy changes.
 */
@Injectable()
export class PolicyReportService {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly policy: LearnedModelPolicy,
    private readonly outcomes: OutcomesService,
    private readonly abTests: AbTestsService,
    private readonly catalogue: ModelCatalogue,
    private readonly learner: LearnerService,
  ) {}

  async report(taskType?: string): Promise<PolicyReport> {
    const [{ rows: all }, running] = await Promise.all([this.outcomes.armStats(), this.abTests.list('running')]);
    // The judge's own calls (recorded with their cost) are not routing: the judge model is never routed to.
    const rows = all.filter((r) => this.policy.routes(r.model));
    const objective = objectiveInForce(this.config);
    const taskTypes = [...new Set([...this.policy.bandit.taskTypes(), ...rows.map((r) => r.taskType)])]
      .filter((t) => taskType === undefined || t === taskType)
      .sort();
    return {
      objective,
      strategy: this.policy.strategyState(),
      windowHours: this.config.optimizer.windowHours,
      updatedAt: this.policy.rebuiltAt?.toISOString() ?? null,
      taskTypes: taskTypes.map((t) =>
        this.taskTypeReport(
          t,
          rows.filter((r) => r.taskType === t),
          objective,
        ),
      ),
      promptLearner: this.promptLearner(),
      abTests: await Promise.all(running.map((test) => this.abEvidence(test))),
    };
  }

  /** The per-prompt learner's own weights per model: its bias and task-type weights (lexical ones are unnamed hashes). */
  private promptLearner(): PolicyReport['promptLearner'] {
    const r = this.learner.report();
    if (!r) return null;
    return {
      kind: 'weights',
      trainedOn: r.trainedOn,
      updatedAt: r.updatedAt?.toISOString() ?? null,
      models: r.models.map((m) => ({
        model: m.model,
        bias: m.bias,
        features: m.taskTypes.map((t) => ({ feature: `task_type=${t.taskType}`, weight: t.weight })),
      })),
    };
  }

  private taskTypeReport(taskType: string, rows: readonly ArmRow[], objective: ObjectiveInForce): TaskTypeReport {
    const estimates = this.policy.estimates(taskType);
    const traffic = rows.reduce((n, r) => n + r.n, 0);
    const routed = this.catalogue.all().filter((m) => this.policy.routes(m.id));
    const models = routed.map((m) => {
      const e = estimates.get(m.id)!;
      const row = rows.find((r) => r.model === m.id);
      return {
        model: m.id,
        layer: m.layer,
        quality: { mean: e.mean, lower: e.lower, upper: e.upper, n: e.n },
        share: traffic > 0 ? (row?.n ?? 0) / traffic : 0,
        costPerRequestUsd: row && row.n > 0 ? Math.max(0, row.costSum / row.n) : null,
        utility: e.utility,
        eligible: true,
      };
    });
    const warm = this.policy.warm(taskType);
    let chosen = warm ? (this.policy.preferred(taskType) ?? null) : null;
    if (objective.kind === 'quality_floor' && objective.qualityFloor !== null) {
      // Eligible: the lower bound reaches floor x the best mean; the cheapest eligible model is preferred.
      const bar = objective.qualityFloor * Math.max(...models.map((m) => m.quality.mean));
      for (const m of models) m.eligible = m.quality.lower >= bar;
      const cheapest = routed
        .filter((m) => models.find((x) => x.model === m.id)?.eligible)
        .sort((a, b) => a.price.input + a.price.output - (b.price.input + b.price.output))[0];
      chosen = warm ? (cheapest?.id ?? chosen) : null;
    }
    models.sort((a, b) => b.quality.mean - a.quality.mean || (b.utility ?? 0) - (a.utility ?? 0));
    const observed = [...estimates.values()].reduce((n, e) => n + e.n, 0);
    return { taskType, observed, warm, chosen, models };
  }

  private async abEvidence(test: AbTestDto): Promise<AbEvidence> {
    const maxPrice = Math.max(0, ...this.catalogue.all().map((m) => m.price.input + m.price.output));
    const o = this.config.optimizer;
    const decision = decideAbTest(await this.outcomes.abMoments(test.id), {
      minSample: o.minSample,
      confidence: o.confidence,
      costWeight: o.costWeight,
      relativePrice: (model) => {
        const m = this.catalogue.get(model);
        return m && maxPrice > 0 ? (m.price.input + m.price.output) / maxPrice : 0;
      },
    });
    const e = decision.evidence as {
      A: { requests: number; successRate: number | null; utility: number | null };
      B: { requests: number; successRate: number | null; utility: number | null };
      z: number | null;
      pValue: number | null;
      alpha: number;
    };
    const arm = (side: 'A' | 'B') => ({
      arm: side,
      strategy: (side === 'A' ? test.strategyA : test.strategyB) as AbEvidence['arms'][number]['strategy'],
      requests: e[side].requests,
      successRate: e[side].successRate === null ? null : clamp01(e[side].successRate),
      utility: e[side].utility,
    });
    return {
      id: test.id,
      arms: [arm('A'), arm('B')],
      effect: e.A.utility !== null && e.B.utility !== null ? e.B.utility - e.A.utility : null,
      z: e.z,
      pValue: e.pValue === null ? null : clamp01(e.pValue),
      alpha: e.alpha,
    };
  }
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}
