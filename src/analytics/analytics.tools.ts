import { Injectable } from '@nestjs/common';
import { Tool } from '../tools/tool.decorator';
import { describeRankedModel } from './analytics-report';
import {
  analyzeMetricsInput,
  AnalyzeMetricsInput,
  analyzeMetricsOutput,
  AnalyzeMetricsOutput,
} from './analytics.schemas';
import { AnalyticsService } from './analytics.service';

/** The analyze_metrics tool; the logic lives in AnalyticsService. */
@Injectable()
export class AnalyticsTools {
  constructor(private readonly analytics: AnalyticsService) {}

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
