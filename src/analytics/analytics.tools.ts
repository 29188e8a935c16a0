import { Injectable } from '@nestjs/common';
import { Tool } from '../tools/tool.decorator';
import { describeRankedModel } from './analytics-report';
import {
  analyzeMetricsInput,
  AnalyzeMetricsInput,
  analyzeMetricsOutput,
  AnalyzeMetricsOutput,
  metricSchema,
  MetricDto,
  modelPerformanceSchema,
  ModelPerformanceDto,
  recordMetricInput,
  RecordMetricInput,
  updateModelPerformanceInput,
  UpdateModelPerformanceInput,
} from './analytics.schemas';
import { AnalyticsService } from './analytics.service';

/** Tool declarations for analytics; the logic lives in AnalyticsService. */
@Injectable()
export class AnalyticsTools {
  constructor(private readonly analytics: AnalyticsService) {}

  @Tool({
    name: 'record_metric',
    description: 'Record one measurement (name, finite value, unit, optional JSON context).',
    input: recordMetricInput,
    output: metricSchema,
    text: (m) => `Recorded metric ${m.name} = ${m.value} ${m.unit} at ${m.recordedAt}`,
  })
  async recordMetric(input: RecordMetricInput): Promise<MetricDto> {
    return this.analytics.recordMetric(input);
  }

  @Tool({
    name: 'update_model_performance',
    description:
      "Add one call's outcome (success, latency, cost) to a model's record for a task type. The update is atomic: " +
      'concurrent calls never lose counts; success rate and averages are recomputed from the running sums.',
    input: updateModelPerformanceInput,
    output: modelPerformanceSchema,
    text: (p) =>
      `${p.modelId} on ${p.taskType}: ${p.successRate.toFixed(1)}% success over ${p.totalCalls} call(s), ` +
      `avg latency ${Math.round(p.avgLatencyMs)} ms, avg cost $${p.avgCost.toFixed(6)}`,
  })
  async updateModelPerformance(input: UpdateModelPerformanceInput): Promise<ModelPerformanceDto> {
    return this.analytics.recordModelCall(input);
  }

  @Tool({
    name: 'analyze_metrics',
    description:
      'Rank models by success rate (then lower cost, then lower latency), for one task type or across all; with includeReport ' +
      '(default) also report counts of regression tests, bug patterns and routing heuristics, top models and recent bug patterns.',
    input: analyzeMetricsInput,
    output: analyzeMetricsOutput,
    readOnly: true,
    text: (r) =>
      r.report?.text ??
      (r.models.length === 0
        ? 'No model performance recorded yet.'
        : ['Model ranking:', ...r.models.map(describeRankedModel)].join('\n')),
  })
  async analyzeMetrics(input: AnalyzeMetricsInput): Promise<AnalyzeMetricsOutput> {
    return this.analytics.analyze(input);
  }
}
