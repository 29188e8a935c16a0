import { z } from 'zod';
import { rankedModelSchema } from '../model-performance/model-performance.schemas';
import { storedText } from '../tools/schema-helpers';

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
