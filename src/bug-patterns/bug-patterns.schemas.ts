import { z } from 'zod';
import { SEVERITIES } from './bug-pattern.entity';
import { pageInput, storedText } from '../tools/schema-helpers';

const TEXT_MAX = 20_000;

export const recordBugPatternInput = z.strictObject({
  category: storedText().trim().min(1).max(100).describe('kind of failure, e.g. timeout, rate_limit, bad_output'),
  pattern: storedText()
    .min(1)
    .max(TEXT_MAX)
    .describe('the error signature; ids, numbers and spacing are normalized for de-duplication'),
  description: storedText().min(1).max(TEXT_MAX),
  solution: storedText().max(TEXT_MAX).optional(),
  severity: z.enum(SEVERITIES).describe('a repeat keeps the highest severity seen'),
});
export type RecordBugPatternInput = z.infer<typeof recordBugPatternInput>;

export const getBugPatternsInput = z.object({
  category: storedText().trim().min(1).max(100).optional().describe('exact category, case-insensitive'),
  ...pageInput,
});
export type GetBugPatternsInput = z.infer<typeof getBugPatternsInput>;

export const bugPatternSchema = z.object({
  id: z.number().int(),
  category: z.string(),
  pattern: z.string(),
  description: z.string(),
  solution: z.string().nullable(),
  occurrences: z.number().int(),
  severity: z.enum(SEVERITIES),
  fingerprint: z.string(),
  firstSeen: z.string(),
  lastSeen: z.string(),
});
export type BugPatternDto = z.infer<typeof bugPatternSchema>;

export const recordBugPatternOutput = bugPatternSchema.extend({
  isNew: z.boolean().describe('false when an existing pattern (same fingerprint) was counted again'),
});
export type RecordBugPatternOutput = z.infer<typeof recordBugPatternOutput>;

export const getBugPatternsOutput = z.object({
  items: z.array(bugPatternSchema),
  total: z.number().int(),
});
export type GetBugPatternsOutput = z.infer<typeof getBugPatternsOutput>;
