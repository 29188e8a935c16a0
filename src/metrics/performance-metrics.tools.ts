import { Injectable } from '@nestjs/common';
import { Tool } from '../tools/tool.decorator';
import { MetricDto, metricSchema, recordMetricInput, RecordMetricInput } from './performance-metrics.schemas';
import { PerformanceMetricsService } from './performance-metrics.service';

/** The record_metric tool; the logic lives in PerformanceMetricsService. */
@Injectable()
export class PerformanceMetricsTools {
  constructor(private readonly metrics: PerformanceMetricsService) {}

  @Tool({
    name: 'record_metric',
    description: 'Record one measurement (name, finite value, unit, optional JSON context).',
    input: recordMetricInput,
    output: metricSchema,
    text: (m) => `Recorded metric ${m.name} = ${m.value} ${m.unit} at ${m.recordedAt}`,
  })
  async recordMetric(input: RecordMetricInput): Promise<MetricDto> {
    return this.metrics.recordMetric(input);
  }
}
