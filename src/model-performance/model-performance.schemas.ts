import { z } from 'zod';
import { storedText } from '../tools/schema-helpers';

export const updateModelPerformanceInput = z.strictObject({
  modelId: storedText().trim().min(1).max(200).describe('a model of the catalogue (list_models)'),
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
