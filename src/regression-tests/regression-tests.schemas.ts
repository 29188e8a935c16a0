import { z } from 'zod';
import { DISCOVERED_FROM } from './regression-test.entity';
import { pageInput, storedJsonObject, storedText } from '../tools/schema-helpers';

const TEXT_MAX = 20_000;

export const REGRESSION_RESULTS = ['pass', 'fail', 'error'] as const;
export type RegressionResult = (typeof REGRESSION_RESULTS)[number];

/** JSON objects; their serialized size is capped by security.maxJsonFieldBytes in the service. */
const jsonObject = () => z.record(z.string(), z.unknown());

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
  lastResult: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type RegressionTestDto = z.infer<typeof regressionTestSchema>;

export const getRegressionTestsOutput = z.object({
  items: z.array(regressionTestSchema),
  total: z.number().int(),
});
export type GetRegressionTestsOutput = z.infer<typeof getRegressionTestsOutput>;
