import { Module } from '@nestjs/common';
import { AnalyticsModule } from '../analytics/analytics.module';
import { BugPatternsModule } from '../bug-patterns/bug-patterns.module';
import { RegressionTestsModule } from '../regression-tests/regression-tests.module';
import { PerformanceSnapshot } from './performance-snapshot';
import { RecorderService } from './recorder.service';
import { RecordingMetrics } from './recording-metrics';

/** Off-the-response-path recording of routed traffic: request_log, model_performance, metrics, failures. */
@Module({
  imports: [AnalyticsModule, BugPatternsModule, RegressionTestsModule],
  providers: [RecorderService, RecordingMetrics, PerformanceSnapshot],
  exports: [RecorderService, PerformanceSnapshot],
})
export class RecordingModule {}
