import { z } from 'zod';
import { DISCOVERED_FROM } from './regression-test.entity';
import { pageInput, storedJsonObject, storedText } from '../tools/schema-helpers';

const TEXT_MAX = 20_000;

export const REGRESSION_RESULTS = ['pass', 'fail', 'error', 'skipped'] as const;
export type RegressionResult = (typeof REGRESSION_RESULTS)[number];

/** JSON objects; their serialized size is capped by security.maxJsonFieldBytes in the service. */
const jsonObject = () => z.record(z.string(), z.unknown());

/**
 * What a replayed answer must show (run_regression_tests), stored with the test as metadata.checks; the
 * test's code is never run. Without stored checks, an answer passes when the call succeeds, non-empty.
 */
export const replayChecks = z.strictObject({
  nonEmpty: z.boolean().default(true).describe('the answer has text or tool calls'),
  finishReasons: z.array(z.string().min(1).max(40)).min(1).optional().describe('accepted finish reasons'),
  pattern: z.string().min(1).max(1000).optional().describe('an RE2 regular expression the answer text must match'),
  maxLatencyMs: z.number().positive().optional().describe('the most the call may take'),
});

export const generateRegressionTestInput = z.strictObject({
  testName: storedText()
    .trim()
    .min(1)
    .max(255)
    .describe('unique name; a second test with the same name is refused (409)'),
  category: storedText().trim().min(1).max(100),
  description: storedText().min(1).max(TEXT_MAX),
  testCode: storedText().min(1).max(100_000).describe('stored as text and exported; the gateway never executes it'),
  expectedBehavior: storedText().min(1).max(TEXT_MAX),
  discoveredFrom: z.enum(DISCOVERED_FROM),
  metadata: storedJsonObject().optional().describe('free-form JSON object'),
  checks: replayChecks.optional().describe('what a replay of the test must show (stored as metadata.checks)'),
});
export type GenerateRegressionTestInput = z.infer<typeof generateRegressionTestInput>;

export const getRegressionTestsInput = z.object({
  category: storedText().trim().min(1).max(100).optional().describe('exact category, case-insensitive'),
  ...pageInput,
});
export type GetRegressionTestsInput = z.infer<typeof getRegressionTestsInput>;

export const regressionTestSchema = z.object({
  id: z.number().int(),
  testName: z.string(),
  category: z.string(),
  description: z.string(),
  testCode: z.string(),
  expectedBehavior: z.string(),
  discoveredFrom: z.enum(DISCOVERED_FROM),
  metadata: jsonObject(),
  replay: jsonObject().nullable(),
  lastRunAt: z.string().nullable(),
  lastResult: z.string().nullable().describe('pass, fail, error or skipped (last_status)'),
  lastError: z.string().nullable().describe('why the last replay failed or was skipped'),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type RegressionTestDto = z.infer<typeof regressionTestSchema>;

export const getRegressionTestsOutput = z.object({
  items: z.array(regressionTestSchema),
  total: z.number().int(),
});
export type GetRegressionTestsOutput = z.infer<typeof getRegressionTestsOutput>;
