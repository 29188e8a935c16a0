import { validateCronExpression } from 'cron';
import { z } from 'zod';

// The `optimizer` section of gateway.yaml (config.schema.ts composes it).

/** Checked with the parser of the scheduler itself (the cron package), so a bad expression fails at load. */
const cronExpression = z.string().superRefine((value, ctx) => {
  const { valid, error } = validateCronExpression(value);
  if (!valid)
    ctx.addIssue({
      code: 'custom',
      message: `"${value}" is not a cron expression (${error?.message ?? 'unreadable'}); e.g. "*/15 * * * *" runs every 15 minutes`,
    });
});

export const optimizerSchema = z.strictObject({
  enabled: z.boolean().default(true),
  cron: cronExpression.default('*/15 * * * *'),
  minSample: z.number().int().positive().default(30),
  costWeight: z.number().min(0).default(0.2),
  latencyWeight: z.number().min(0).default(0.1),
  exploration: z.number().min(0).max(1).default(0.05),
  confidence: z.number().gt(0).lt(1).default(0.95),
  /** Indifference margin of the learned policy: a dearer model must beat the cheaper one's sampled utility by more than this. */
  margin: z.number().min(0).max(1).default(0.005),
  /** How far back (hours of request_log) a run looks for outcomes. */
  windowHours: z.number().positive().default(168),
  /** Seeds the policy's sampling (reproducible simulations); unset: Math.random. */
  seed: z.number().int().optional(),
  /**
   * What the learned policy aims at. qualityFloor (0..1): the cheapest model whose estimated quality is at
   * least qualityFloor x the best model's (a request may override it with x-gateway-quality-floor); unset:
   * the costWeight utility. scope: `traffic` holds the floor over recent traffic, `request` on every request.
   */
  objective: z
    .strictObject({
      qualityFloor: z.number().min(0).max(1).optional(),
      scope: z.enum(['traffic', 'request']).default('traffic'),
    })
    .prefault({}),
  /** Judge sampling: a share of answered requests graded by a judge model after the response (never on its path). */
  judge: z
    .strictObject({
      /** A catalogue model id; it is never chosen for ordinary routing. Unset: no judge. */
      model: z.string().min(1).optional(),
      sampleRate: z.number().min(0).max(1).default(0.1),
      /** Judge spend per UTC day (USD) after which judging stops until the next day. */
      maxDailyUsd: z.number().positive().optional(),
      /** What "good" means for this traffic, added to the judge's instructions. */
      rubric: z.string().max(4000).optional(),
      timeoutMs: z.number().int().positive().default(30000),
    })
    .prefault({}),
  /** A/B tests of routing strategies started at boot when no test of that name exists yet (as start_ab_test). */
  abTests: z
    .array(
      z.strictObject({
        name: z.string().min(1).max(100),
        strategyA: z.enum(['learned', 'static', 'cheapest', 'greedy']),
        strategyB: z.enum(['learned', 'static', 'cheapest', 'greedy']),
        split: z.number().min(0.01).max(0.99).default(0.5),
        taskType: z.string().min(1).max(100).optional(),
        /** Requests per side after which the test ends, with "no winner" when not significant. */
        maxSample: z.number().int().positive().optional(),
      }),
    )
    .default([]),
  /** The per-prompt learner's state: saved to learner_state every persistMs while it changed (0: never). */
  learner: z
    .strictObject({
      persistMs: z.number().int().min(0).default(30000),
    })
    .prefault({}),
  /** Replay the regression tests after each run that changed something; a test that passed before and fails now rolls the run back. */
  replayAfterRun: z.boolean().default(false),
});
