import { Module } from '@nestjs/common';
import { ModuleEntities } from '../database/module-entities';
import { PerformanceMetric } from './performance-metric.entity';
import { PerformanceMetricsRepository } from './performance-metrics.repository';
import { PerformanceMetricsService } from './performance-metrics.service';
import { PerformanceMetricsTools } from './performance-metrics.tools';

/** performance_metrics and the record_metric tool. */
@ModuleEntities([PerformanceMetric])
@Module({
  providers: [PerformanceMetricsRepository, PerformanceMetricsService, PerformanceMetricsTools],
  exports: [PerformanceMetricsService],
})
export class PerformanceMetricsModule {}
