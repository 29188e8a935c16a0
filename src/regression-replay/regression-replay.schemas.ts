import { z } from 'zod';
import { change } from '../optimizer/optimizer.schemas';
import { storedText } from '../tools/schema-helpers';

export const runRegressionTestsInput = z.strictObject({
  category: storedText().trim().min(1).max(100).optional().describe('only this category (case-insensitive)'),
  limit: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .optional()
    .describe('at most this many tests (capped by regression.maxPerRun)'),
  dryRun: z.boolean().default(false).describe('list what would run, calling no model and writing nothing'),
});

const result = z.object({
  testId: z.number().int(),
  testName: z.string(),
  status: z.enum(['pass', 'fail', 'skipped', 'planned']),
  previous: z.string().nullable().describe('the status before this replay'),
  reason: z.string().nullable().describe('why it failed or was skipped'),
  model: z.string().nullable(),
  costUsd: z.number(),
  latencyMs: z.number().nullable(),
});

export const runRegressionTestsOutput = z.object({
  dryRun: z.boolean(),
  passed: z.number().int(),
  failed: z.number().int(),
  skipped: z.number().int(),
  costUsd: z.number().describe('USD the replays cost'),
  capped: z.string().nullable().describe('set when a cap stopped the replay early'),
  results: z.array(result),
  rollback: z
    .object({
      runId: z.number().int(),
      reason: z.string(),
      rolledBack: z.array(change),
      kept: z.array(z.object({ change, why: z.string() })),
    })
    .nullable()
    .describe('the optimizer run rolled back because a test that passed before fails now'),
});
