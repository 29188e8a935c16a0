import { z } from 'zod';
import { LAYERS } from '../config/config.schema';
import { pageInput, storedText } from '../tools/schema-helpers';

/** Hard ceiling; the configured security.maxPatternLength (usually lower) is checked by the service. */
const PATTERN_HARD_MAX = 10_000;

export const ruleSources = ['manual', 'optimizer'] as const;

export const updateRoutingHeuristicInput = z.strictObject({
  pattern: storedText()
    .min(1)
    .max(PATTERN_HARD_MAX)
    .describe('RE2 regular expression, matched case-insensitively against the prompt; the upsert key'),
  preferredLayer: z.enum(LAYERS).describe('layer that handles matching prompts'),
  preferredModel: storedText()
    .trim()
    .min(1)
    .max(200)
    .nullable()
    .optional()
    .describe('concrete model id (null clears it)'),
  reasoning: storedText().max(2000).optional().describe('why this rule exists (kept in metadata)'),
  successRate: z.number().min(0).max(100).optional().describe('observed success rate, 0-100 (kept in metadata)'),
  usageCount: z
    .number()
    .int()
    .min(0)
    .max(Number.MAX_SAFE_INTEGER)
    .optional()
    .describe('times the rule was used (kept in metadata)'),
  active: z.boolean().optional().describe('inactive rules are stored but never match (default true on create)'),
  priority: z
    .number()
    .int()
    .min(-1_000_000)
    .max(1_000_000)
    .optional()
    .describe('higher is tried first (default 0 on create)'),
  pinned: z.boolean().optional().describe('the optimizer never changes a pinned rule'),
});
export type UpdateRoutingHeuristicInput = z.infer<typeof updateRoutingHeuristicInput>;

export const getRoutingHeuristicsInput = z.object({
  activeOnly: z.boolean().default(true).describe('only active rules (default true)'),
  ...pageInput,
});
export type GetRoutingHeuristicsInput = z.infer<typeof getRoutingHeuristicsInput>;

export const routingRuleMetadataSchema = z.looseObject({
  successRate: z.number().optional(),
  usageCount: z.number().optional(),
  reasoning: z.string().optional(),
});

export const routingRuleSchema = z.object({
  id: z.number().int(),
  pattern: z.string(),
  preferredLayer: z.enum(LAYERS),
  preferredModel: z.string().nullable(),
  priority: z.number().int(),
  active: z.boolean(),
  pinned: z.boolean(),
  source: z.enum(ruleSources),
  metadata: routingRuleMetadataSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type RoutingRuleDto = z.infer<typeof routingRuleSchema>;

export const updateRoutingHeuristicOutput = z.object({
  rule: routingRuleSchema,
  created: z.boolean().describe('true when the pattern was new'),
});
export type UpdateRoutingHeuristicOutput = z.infer<typeof updateRoutingHeuristicOutput>;

export const getRoutingHeuristicsOutput = z.object({
  items: z.array(routingRuleSchema),
  total: z.number().int(),
});
export type GetRoutingHeuristicsOutput = z.infer<typeof getRoutingHeuristicsOutput>;
