import { z } from 'zod';
import { storedJsonObject, storedText } from '../tools/schema-helpers';

export const recordMetricInput = z.strictObject({
  name: storedText().trim().min(1).max(200).describe('metric name, e.g. router.decision_us'),
  value: z.number().describe('a finite number'),
  unit: storedText().trim().min(1).max(50).describe('e.g. ms, usd, count, percent'),
  context: storedJsonObject().optional().describe('free-form JSON object (size capped by security.maxJsonFieldBytes)'),
});
export type RecordMetricInput = z.infer<typeof recordMetricInput>;

export const metricSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  value: z.number(),
  unit: z.string(),
  context: z.record(z.string(), z.unknown()),
  recordedAt: z.string(),
});
export type MetricDto = z.infer<typeof metricSchema>;

export const updateModelPerformanceInput = z.strictObject({
  modelId: storedText().trim().min(1).max(200),
  taskType: storedText().trim().min(1).max(100).describe('e.g. coding, analysis, chat, math, creative'),
  success: z.boolean(),
  latencyMs: z.number().min(0).max(86_400_000),
  cost: z.number().min(0).max(1_000_000).describe('USD'),
});
export type UpdateModelPerformanceInput = z.infer<typeof updateModelPerformanceInput>;

export const modelPerformanceSchema = z.object({
  modelId: z.string(),
  taskType: z.string(),
  totalCalls: z.number().int(),
  successes: z.number().int(),
  successRate: z.number().describe('0-100'),
  avgLatencyMs: z.number(),
  avgCost: z.number(),
  latencySumMs: z.number(),
  costSum: z.number(),
  updatedAt: z.string(),
});
export type ModelPerformanceDto = z.infer<typeof modelPerformanceSchema>;

export const analyzeMetricsInput = z.object({
  taskType: storedText()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .describe('rank models for one task type; omitted: across all task types'),
  includeReport: z.boolean().default(true).describe('add the report: counts, top models, recent bugs (default true)'),
});
export type AnalyzeMetricsInput = z.infer<typeof analyzeMetricsInput>;

export const rankedModelSchema = z.object({
  rank: z.number().int(),
  modelId: z.string(),
  totalCalls: z.number().int(),
  successes: z.number().int(),
  successRate: z.number(),
  avgLatencyMs: z.number(),
  avgCost: z.number(),
});
export type RankedModel = z.infer<typeof rankedModelSchema>;

export const recentBugSchema = z.object({
  category: z.string(),
  pattern: z.string(),
  severity: z.string(),
  occurrences: z.number().int(),
  lastSeen: z.string(),
});
export type RecentBug = z.infer<typeof recentBugSchema>;

export const reportCountsSchema = z.object({
  regressionTests: z.number().int(),
  bugPatterns: z.number().int(),
  routingHeuristics: z.object({ active: z.number().int(), total: z.number().int() }),
  modelsTracked: z.number().int(),
  modelCalls: z.number().int(),
});
export type ReportCounts = z.infer<typeof reportCountsSchema>;

export const analyticsReportSchema = z.object({
  generatedAt: z.string(),
  counts: reportCountsSchema,
  topModels: z.array(rankedModelSchema),
  recentBugs: z.array(recentBugSchema),
  lastOptimizerRun: z
    .object({
      id: z.number().int(),
      trigger: z.string(),
      startedAt: z.string(),
      finishedAt: z.string().nullable(),
      changes: z.number().int(),
      kinds: z.record(z.string(), z.number()),
    })
    .nullable()
    .describe('the newest optimizer run (optimizer_runs) and how many changes of each kind it made'),
  text: z.string().describe('the same report as readable Markdown'),
});
export type AnalyticsReport = z.infer<typeof analyticsReportSchema>;
export type LastOptimizerRun = NonNullable<AnalyticsReport['lastOptimizerRun']>;

export const analyzeMetricsOutput = z.object({
  taskType: z.string().nullable().describe('null when ranked across all task types'),
  models: z.array(rankedModelSchema).describe('by success rate desc, then avg cost asc, then avg latency asc'),
  report: analyticsReportSchema.optional(),
});
export type AnalyzeMetricsOutput = z.infer<typeof analyzeMetricsOutput>;
