import { Module } from '@nestjs/common';
import { BugPatternsModule } from '../bug-patterns/bug-patterns.module';
import { ModelPerformanceModule } from '../model-performance/model-performance.module';
import { RegressionTestsModule } from '../regression-tests/regression-tests.module';
import { RequestLogModule } from '../request-log/request-log.module';
import { RecorderService } from './recorder.service';
import { RecordingMetrics } from './recording-metrics';

/** Off-the-response-path recording of routed traffic: request_log, model_performance, metrics, failures. */
@Module({
  imports: [ModelPerformanceModule, RequestLogModule, BugPatternsModule, RegressionTestsModule],
  providers: [RecorderService, RecordingMetrics],
  exports: [RecorderService],
})
export class RecordingModule {}
