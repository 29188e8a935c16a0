import { Global, Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';
import { MetricsService } from './metrics.service';
import { TracingService } from './tracing/tracing.service';

@Global()
@Module({
  controllers: [HealthController],
  providers: [HealthService, MetricsService, TracingService],
  exports: [HealthService, MetricsService, TracingService],
})
export class ObservabilityModule {}
