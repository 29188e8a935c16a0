import { Injectable } from '@nestjs/common';
import { BugPatternsService } from '../bug-patterns/bug-patterns.service';
import { HeuristicsService } from '../heuristics/heuristics.service';
import type { RankedModel } from '../model-performance/model-performance.schemas';
import { ModelPerformanceService } from '../model-performance/model-performance.service';
import type { OptimizerRunRecord } from '../optimizer-runs/optimizer-runs.repository';
import { OptimizerRunsService } from '../optimizer-runs/optimizer-runs.service';
import { RegressionTestsService } from '../regression-tests/regression-tests.service';
import { formatReport } from './analytics-report';
import type { AnalyticsReport, AnalyzeMetricsOutput, LastOptimizerRun, ReportCounts } from './analytics.schemas';

const TOP_MODELS = 5;
const RECENT_BUGS = 10;

/**
 * analyze_metrics: the model ranking and a report composed from the record-keeping modules' public
 * services (model performance, regression tests, bug patterns, heuristics, optimizer runs); it reads no
 * table itself.
 */
@Injectable()
export class AnalyticsService {
  constructor(
    private readonly modelPerformance: ModelPerformanceService,
    private readonly regressionTests: RegressionTestsService,
    private readonly bugPatterns: BugPatternsService,
    private readonly heuristics: HeuristicsService,
    private readonly optimizerRuns: OptimizerRunsService,
  ) {}

  /** The analyze_metrics result: the ranking and, if asked, the report (structured and as text). */
  async analyze(input: { taskType?: string; includeReport?: boolean }): Promise<AnalyzeMetricsOutput> {
    const taskType = input.taskType ?? null;
    const models = await this.modelPerformance.rankModels(input.taskType);
    if (input.includeReport === false) return { taskType, models };
    return { taskType, models, report: await this.buildReport(taskType, models) };
  }

  private async buildReport(taskType: string | null, models: RankedModel[]): Promise<AnalyticsReport> {
    // One after the other: on PGlite every query shares one connection anyway.
    const regressionTests = await this.regressionTests.count();
    const bugPatterns = await this.bugPatterns.count();
    const routingHeuristics = await this.heuristics.countRules();
    const recentBugs = await this.bugPatterns.recentlySeen(RECENT_BUGS);
    const lastRun = await this.optimizerRuns.latest();
    const counts: ReportCounts = {
      regressionTests,
      bugPatterns,
      routingHeuristics,
      modelsTracked: models.length,
      modelCalls: models.reduce((sum, m) => sum + m.totalCalls, 0),
    };
    const parts = {
      generatedAt: new Date().toISOString(),
      taskType,
      counts,
      topModels: models.slice(0, TOP_MODELS),
      recentBugs,
      lastOptimizerRun: lastRun ? summariseRun(lastRun) : null,
    };
    return { ...parts, text: formatReport(parts) };
  }
}

/** A run with its changes counted by kind. */
function summariseRun(run: OptimizerRunRecord): LastOptimizerRun {
  const kinds: Record<string, number> = {};
  for (const c of run.changes as Array<{ kind?: string } | null>) if (c?.kind) kinds[c.kind] = (kinds[c.kind] ?? 0) + 1;
  return {
    id: run.id,
    trigger: run.trigger,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    changes: run.changes.length,
    kinds,
  };
}
