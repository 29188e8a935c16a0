import { z } from 'zod';
import { storedText } from '../tools/schema-helpers';
import { STRATEGIES } from './ab-test.entity';

export const recordFeedbackInput = z
  .strictObject({
    requestId: storedText()
      .min(1)
      .max(80)
      .describe('the x-request-id of a routed request, or its completion id (chatcmpl-<id>, msg_<id>)'),
    score: z.number().min(0).max(1).optional().describe('how good the answer was, 0-1'),
    success: z.boolean().optional().describe('or simply: was it right'),
  })
  .refine((v) => (v.score === undefined) !== (v.success === undefined), {
    message: 'give either score or success',
    path: ['score'],
  });

export const recordFeedbackOutput = z.object({
  requestId: z.string(),
  score: z.number(),
  previous: z.number().nullable(),
  model: z.string(),
  taskType: z.string(),
});

export const runOptimizerInput = z.strictObject({
  dryRun: z.boolean().default(false).describe('compute and return the changes without writing anything'),
});

/** One change of an optimizer run, as its audit shows it (also what a replay rolls back). */
export const change = z.object({
  kind: z.string(),
  target: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  evidence: z.record(z.string(), z.unknown()),
});
const policyView = z.object({
  taskType: z.string(),
  observed: z.number(),
  warm: z.boolean(),
  models: z.array(z.object({ model: z.string(), n: z.number(), successRate: z.number(), utility: z.number() })),
});

export const runOptimizerOutput = z.object({
  ran: z.boolean(),
  runId: z.number().int().nullable(),
  trigger: z.string(),
  dryRun: z.boolean(),
  tick: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string(),
  changes: z.array(change),
  policy: z.array(policyView),
});

export const startAbTestInput = z.strictObject({
  name: storedText().min(1).max(100),
  strategyA: z.enum(STRATEGIES).describe('the control strategy'),
  strategyB: z.enum(STRATEGIES).describe('the challenger'),
  split: z.number().min(0.01).max(0.99).default(0.5).describe('share of the traffic routed to strategyB'),
  taskType: storedText().min(1).max(100).optional().describe('limit the test to one task type'),
  maxSample: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('requests per side after which the test ends, with "no winner" when the difference is not significant'),
});

export const abTestSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  strategyA: z.string(),
  strategyB: z.string(),
  split: z.number(),
  taskType: z.string().nullable(),
  maxSample: z.number().int().nullable(),
  /** Which traffic the test actually gets: a task-type test takes its task type from a test of all traffic. */
  precedence: z.string().optional(),
  status: z.string(),
  winner: z.string().nullable(),
  result: z.record(z.string(), z.unknown()).nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
});

export const getAbTestsInput = z.object({ status: z.enum(['running', 'finished', 'stopped']).optional() });
export const getAbTestsOutput = z.object({ tests: z.array(abTestSchema) });
export const stopAbTestInput = z.strictObject({ id: z.number().int().positive() });

export const getOptimizerRunsInput = z.object({ limit: z.number().int().min(1).max(200).default(20) });
export const getOptimizerRunsOutput = z.object({
  runs: z.array(
    z.object({
      id: z.number(),
      trigger: z.string(),
      tick: z.string().nullable(),
      startedAt: z.string(),
      finishedAt: z.string().nullable(),
      changes: z.array(
        change.extend({
          rolledBack: z
            .object({ at: z.string(), reason: z.string() })
            .optional()
            .describe('undone after a regression replay failed'),
          notRolledBack: z.string().optional().describe('why a rollback left this change in place'),
        }),
      ),
    }),
  ),
  policy: z.array(policyView),
});
