import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AlertsService } from '../alerts/alerts.service';
import { BudgetsService } from '../budgets/budgets.service';
import { GATEWAY_CONFIG } from '../config/config.module';
import { GatewayConfig } from '../config/config.schema';
import { toDomainError } from '../errors';
import { OptimizerRollback, RollbackReport } from '../optimizer/optimizer-rollback';
import { OptimizerService, RunReport } from '../optimizer/optimizer.service';
import type { RegressionTestDto } from '../regression-tests/regression-tests.schemas';
import { RegressionTestsService } from '../regression-tests/regression-tests.service';
import { RouterService } from '../routing/router.service';
import type { RouteRequest } from '../routing/routing.types';
import { checksOf, failedCheck, ReplayAnswer } from './replay-checks';
import { replayRequestOf } from './replay-request';

export interface ReplayOptions {
  category?: string;
  limit?: number;
  /** List what would be replayed (and skipped) without calling any model or writing anything. */
  dryRun?: boolean;
  /** The optimizer run this replay follows: rolled back when a test that passed before fails now. */
  afterRun?: number;
}

export interface ReplayResult {
  testId: number;
  testName: string;
  status: 'pass' | 'fail' | 'skipped' | 'planned';
  previous: string | null;
  reason: string | null;
  model: string | null;
  costUsd: number;
  latencyMs: number | null;
}

export interface ReplayReport {
  dryRun: boolean;
  passed: number;
  failed: number;
  skipped: number;
  costUsd: number;
  /** Set when the per-run or per-day cap stopped the replay early. */
  capped: string | null;
  results: ReplayResult[];
  rollback: RollbackReport | null;
}

/**
 * Replays stored regression tests through today's routing (the stored, redacted request; never the test's
 * code) and checks each answer against the test's structured checks. Results are stored per test; a test
 * that passed before and fails now raises a replay_failed alert and, after an optimizer run, rolls it back.
 */
@Injectable()
export class RegressionReplayService implements OnModuleInit {
  private readonly logger = new Logger('RegressionReplay');

  constructor(
    private readonly tests: RegressionTestsService,
    private readonly router: RouterService,
    private readonly alerts: AlertsService,
    private readonly budgets: BudgetsService,
    private readonly optimizer: OptimizerService,
    private readonly rollback: OptimizerRollback,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  onModuleInit(): void {
    if (this.config.optimizer.replayAfterRun)
      this.optimizer.onApplied(async (run: RunReport) => {
        if (run.runId !== null) await this.run({ afterRun: run.runId });
      });
  }

  async run(opts: ReplayOptions = {}): Promise<ReplayReport> {
    const limit = Math.min(opts.limit ?? this.config.regression.maxPerRun, this.config.regression.maxPerRun);
    const { items } = await this.tests.list({ category: opts.category, limit });
    const report: ReplayReport = {
      dryRun: opts.dryRun ?? false,
      ...{ passed: 0, failed: 0, skipped: 0, costUsd: 0 },
      capped: null,
      results: [],
      rollback: null,
    };
    const regressions: ReplayResult[] = [];
    for (const test of items) {
      const planned = replayRequestOf(test.replay);
      if (
        !report.dryRun &&
        'request' in planned &&
        !(await this.budgets.takeQuota('regression-replays', this.config.regression.maxPerDay))
      ) {
        report.capped = `the daily cap of ${this.config.regression.maxPerDay} replays (regression.maxPerDay) is reached`;
        break;
      }
      const result = report.dryRun ? dryResult(test, planned) : await this.replayOne(test, planned);
      report.results.push(result);
      report.costUsd += result.costUsd;
      if (result.status === 'pass') report.passed++;
      if (result.status === 'fail') report.failed++;
      if (result.status === 'skipped') report.skipped++;
      if (result.status === 'fail' && result.previous === 'pass') regressions.push(result);
    }
    if (items.length === limit && limit < (await this.tests.count()) && !report.capped)
      report.capped = `at most ${limit} tests per run (regression.maxPerRun or limit)`;
    if (regressions.length > 0) await this.regressed(regressions, opts.afterRun, report);
    return report;
  }

  private async replayOne(test: RegressionTestDto, planned: ReturnType<typeof replayRequestOf>): Promise<ReplayResult> {
    const base = {
      testId: test.id,
      testName: test.testName,
      previous: test.lastResult,
      model: null,
      costUsd: 0,
      latencyMs: null,
    };
    if ('skip' in planned) {
      await this.tests.markRun(test.id, 'skipped', new Date(), planned.skip);
      return { ...base, status: 'skipped', reason: planned.skip };
    }
    const checks = checksOf(test.metadata);
    let outcome: { answer?: ReplayAnswer; model?: string; cost: number; error?: string };
    if (typeof checks === 'string') outcome = { cost: 0, error: checks };
    else outcome = await this.call(planned.request);
    const reason = outcome.error ?? (typeof checks === 'string' ? checks : failedCheck(checks, outcome.answer!));
    const status = reason === null ? 'pass' : 'fail';
    await this.tests.markRun(test.id, status, new Date(), reason);
    return {
      ...base,
      status,
      reason,
      model: outcome.model ?? null,
      costUsd: outcome.cost,
      latencyMs: outcome.answer?.latencyMs ?? null,
    };
  }

  /** One routed call (a stream is read to its end); a failed call is the test's failure, in its own words. */
  private async call(
    req: RouteRequest,
  ): Promise<{ answer?: ReplayAnswer; model?: string; cost: number; error?: string }> {
    const started = performance.now();
    try {
      if (!req.stream) {
        const r = await this.router.execute(req);
        const answer = {
          content: r.response.content ?? '',
          toolCalls: r.response.toolCalls?.length ?? 0,
          finishReason: r.response.finishReason,
          latencyMs: r.latencyMs,
        };
        return { answer, model: r.model.id, cost: r.cost };
      }
      const session = await this.router.stream(req);
      const answer: ReplayAnswer = { content: '', toolCalls: 0, finishReason: 'stop', latencyMs: 0 };
      for await (const d of session.deltas()) {
        answer.content += d.content ?? '';
        answer.toolCalls += d.toolCalls?.length ?? 0;
        if (d.finishReason) answer.finishReason = d.finishReason;
      }
      answer.latencyMs = performance.now() - started;
      return { answer, model: session.model.id, cost: session.outcome?.cost ?? 0 };
    } catch (err) {
      const e = toDomainError(err);
      return { cost: 0, error: `the call failed: ${e.errorCode}: ${e.message}`.slice(0, 2000) };
    }
  }

  /** Tests that passed before and fail now: one alert each; after an optimizer run, that run is rolled back. */
  private async regressed(failed: ReplayResult[], afterRun: number | undefined, report: ReplayReport): Promise<void> {
    const names = failed.map((f) => f.testName).join(', ');
    if (afterRun !== undefined)
      report.rollback =
        (await this.rollback.rollback(afterRun, `regression replay failed where it passed before: ${names}`)) ?? null;
    for (const f of failed)
      this.alerts.raise({
        kind: 'replay_failed',
        severity: 'critical',
        subject: f.testName,
        message: `regression test "${f.testName}" passed before and fails now: ${f.reason}${report.rollback ? ` (optimizer run ${afterRun} rolled back)` : ''}`,
        value: 0,
        baseline: 1,
        window: 'last replay',
        evidence: {
          testId: f.testId,
          model: f.model,
          reason: f.reason,
          optimizerRun: afterRun ?? null,
          rolledBack: report.rollback ? report.rollback.rolledBack.length : 0,
          link: `/tools/get_regression_tests`,
        },
      });
    this.logger.warn(`regression replay: ${failed.length} test(s) passed before and fail now (${names})`);
  }
}

function dryResult(test: RegressionTestDto, planned: ReturnType<typeof replayRequestOf>): ReplayResult {
  return {
    testId: test.id,
    testName: test.testName,
    status: 'skip' in planned ? 'skipped' : 'planned',
    previous: test.lastResult,
    reason: 'skip' in planned ? planned.skip : null,
    model: null,
    costUsd: 0,
    latencyMs: null,
  };
}
