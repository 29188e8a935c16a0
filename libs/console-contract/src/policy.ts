// Part of the console contract (index.ts): zod only, no Nest, ORM or Node APIs.
import { z } from 'zod';
import { layer, timestamp, id, count, usd, share, estimate, STRATEGY_NAMES } from './primitives';

// ---------------------------------------------------------------- learned policy

export const objective = z.object({
  kind: z.enum(['quality_floor', 'cost_weight']),
  qualityFloor: share.nullable().describe('share of the best model quality a cheaper model must reach'),
  costWeight: z.number().min(0),
  latencyWeight: z.number().min(0),
  exploration: share,
  margin: z.number().min(0),
  minSample: count,
  confidence: share.describe('level of every interval shown'),
});

export const policyModel = z.object({
  model: z.string(),
  layer,
  quality: estimate,
  share: share.describe('this model share of the task type requests over the window'),
  costPerRequestUsd: usd.nullable(),
  utility: z.number().nullable(),
  eligible: z.boolean().describe('meets the quality floor (always true under cost_weight)'),
});

export const promptLearner = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('weights'),
    trainedOn: count,
    updatedAt: timestamp.nullable(),
    models: z.array(
      z.object({
        model: z.string(),
        bias: z.number(),
        features: z.array(z.object({ feature: z.string(), weight: z.number() })).describe('largest |weight| first'),
      }),
    ),
  }),
  z.object({
    kind: z.literal('neighbours'),
    trainedOn: count,
    updatedAt: timestamp.nullable(),
    examples: z.array(
      z.object({
        requestId: z.string(),
        features: z.array(z.string()).describe('lexical features, never prompt text'),
        taskType: z.string(),
        model: z.string(),
        reward: share,
      }),
    ),
  }),
]);

export const getPolicyInput = z.strictObject({
  taskType: z.string().min(1).max(100).optional().describe('one task type; omitted: all'),
});
export const getPolicyOutput = z.object({
  objective,
  strategy: z.object({ default: z.enum(STRATEGY_NAMES), abTestId: id.nullable() }),
  windowHours: z.number().positive(),
  updatedAt: timestamp.nullable().describe('when the posteriors were last rebuilt'),
  taskTypes: z.array(
    z.object({
      taskType: z.string(),
      observed: count,
      warm: z.boolean().describe('false while fewer than minSample outcomes: routed as the classifier says'),
      chosen: z.string().nullable().describe('the model the objective prefers now'),
      models: z.array(policyModel).describe('best estimate first'),
    }),
  ),
  promptLearner: promptLearner.nullable().describe('null until the per-prompt learner has trained'),
  abTests: z
    .array(
      z.object({
        id,
        arms: z.array(
          z.object({
            arm: z.enum(['A', 'B']),
            strategy: z.enum(STRATEGY_NAMES),
            requests: count,
            successRate: share.nullable(),
            utility: z.number().nullable(),
          }),
        ),
        effect: z.number().nullable().describe('mean utility of B minus A'),
        z: z.number().nullable(),
        pValue: share.nullable(),
        alpha: share,
      }),
    )
    .describe('live evidence of the running A/B tests (finished ones keep theirs in get_ab_tests result)'),
});

// ---------------------------------------------------------------- explain_route

export const explainRouteInput = z
  .strictObject({
    prompt: z.string().min(1).max(1_000_000).optional(),
    messages: z
      .array(z.strictObject({ role: z.enum(['system', 'user', 'assistant']), content: z.string() }))
      .min(1)
      .optional(),
    model: z.string().min(1).default('auto').describe('"auto", a layer or a model id, as for route'),
    taskType: z.string().min(1).max(100).optional().describe('skip the classifier'),
    qualityFloor: share.optional().describe('as the x-gateway-quality-floor header'),
  })
  .refine((v) => Boolean(v.prompt) !== Boolean(v.messages), {
    message: 'give either prompt or messages',
    path: ['prompt'],
  });

export const explainRouteOutput = z.object({
  classification: z.object({
    taskType: z.string(),
    size: z.enum(['small', 'medium', 'large']),
    promptTokens: count,
  }),
  rule: z
    .object({
      id,
      pattern: z.string(),
      preferredLayer: layer,
      preferredModel: z.string().nullable(),
      priority: z.number(),
    })
    .nullable()
    .describe('the first active rule whose pattern matches, if any'),
  layer,
  strategy: z.string().describe('learned, static, cheapest, greedy, rule or explicit'),
  objective: objective.pick({ kind: true, qualityFloor: true, costWeight: true }),
  warm: z.boolean(),
  model: z.string().describe('the model the router would call'),
  reason: z.string(),
  candidates: z
    .array(
      z.object({
        model: z.string(),
        layer,
        rank: z.number().int().positive(),
        available: z.boolean(),
        breaker: z.enum(['closed', 'open', 'half_open']),
        quality: estimate.nullable(),
        estimatedCostUsd: usd,
        utility: z.number().nullable(),
        chosen: z.boolean(),
        note: z.string().nullable().describe('why it ranks where it does, or why it was skipped'),
      }),
    )
    .describe('in the order the router would try them'),
});
