import { Module } from '@nestjs/common';
import { BugPatternsModule } from '../bug-patterns/bug-patterns.module';
import { HeuristicsModule } from '../heuristics/heuristics.module';
import { ModelPerformanceModule } from '../model-performance/model-performance.module';
import { OptimizerRunsModule } from '../optimizer-runs/optimizer-runs.module';
import { RegressionTestsModule } from '../regression-tests/regression-tests.module';
import { AnalyticsService } from './analytics.service';
import { AnalyticsTools } from './analytics.tools';

/** analyze_metrics, composed from the record-keeping modules' services; owns no table. */
@Module({
  imports: [ModelPerformanceModule, RegressionTestsModule, BugPatternsModule, HeuristicsModule, OptimizerRunsModule],
  providers: [AnalyticsService, AnalyticsTools],
  exports: [AnalyticsService],
})
export class AnalyticsModule {}
