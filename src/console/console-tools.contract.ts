/**
 * The contract of the tools the operator's console (libs/console-ui) needs beyond the existing ones:
 * names, scopes, zod input and output schemas. The backend declares each tool with these schemas
 * (`@Tool({ name, ...CONSOLE_TOOLS.get_policy, ... })`); the SPA imports only the types (`import type`),
 * so this file must stay free of Nest, the ORM and Node APIs. libs/console-ui/README.md documents it.
 */
import { z } from 'zod';

/** The same lists as SCOPES (auth/api-key.entity.ts) and LAYERS (config); a spec checks they agree. */
export const CONSOLE_SCOPES = ['route', 'tools:read', 'tools:write', 'admin'] as const;
export const CONSOLE_LAYERS = ['fast', 'balanced', 'deep'] as const;
export const STRATEGY_NAMES = ['learned', 'static', 'cheapest', 'greedy'] as const;

/** The console's time windows and the width of one bucket in each (the SPA derives rates from it). */
export const WINDOWS = ['hour', 'day', 'week'] as const;
export const BUCKET_SECONDS: Record<(typeof WINDOWS)[number], number> = { hour: 60, day: 900, week: 3600 };

/** Server-sent events of redacted request_log rows (see requestLogRow); scope tools:read. */
export const REQUEST_EVENTS_PATH = '/events/requests';
export const REQUEST_EVENT_NAME = 'request';

const scope = z.enum(CONSOLE_SCOPES);
const layer = z.enum(CONSOLE_LAYERS);
const windowParam = z.enum(WINDOWS).describe('hour: 1-minute buckets; day: 15-minute buckets; week: 1-hour buckets');
const timestamp = z.iso.datetime().describe('ISO 8601, UTC');
const id = z.number().int().positive();
const count = z.number().int().min(0);
const usd = z.number().min(0).describe('USD');
const share = z.number().min(0).max(1);
const page = {
  limit: z.number().int().min(1).max(500).default(50).describe('page size, 1-500 (default 50)'),
  offset: z.number().int().min(0).max(10_000_000).default(0).describe('rows to skip (default 0)'),
};

/** A posterior estimate of a reward rate (0-1): mean and credible interval at objective.confidence. */
export const estimate = z.object({
  mean: share,
  lower: share,
  upper: share,
  n: count.describe('outcomes the estimate rests on'),
});

// ---------------------------------------------------------------- whoami

export const whoamiInput = z.strictObject({});
export const whoamiOutput = z.object({
  open: z.boolean().describe('true when no key exists and the gateway serves loopback without one'),
  scopes: z.array(scope).describe('the key scopes; every scope when open'),
  key: z.object({ id, name: z.string(), prefix: z.string() }).nullable().describe('null when open'),
});

// ---------------------------------------------------------------- request log

/** One request_log row as stored (already redacted: no prompt or answer text, no key). */
export const requestLogRow = z.object({
  id: z.string().describe('the request id (x-request-id)'),
  ts: timestamp,
  taskType: z.string(),
  layer,
  model: z.string(),
  ruleId: id.nullable(),
  strategyArm: z.string().nullable().describe('ab:<id>:<A|B>:<strategy> when the request was in an A/B test'),
  tokensIn: count,
  tokensOut: count,
  cost: usd,
  latencyMs: z.number().min(0),
  success: z.boolean(),
  errorClass: z.string().nullable(),
  feedbackScore: share.nullable(),
  attempts: count,
  stream: z.boolean(),
});

export const getRequestLogInput = z.strictObject({
  since: timestamp.optional().describe('rows at or after this time'),
  until: timestamp.optional().describe('rows before this time'),
  model: z.string().min(1).max(200).optional(),
  layer: layer.optional(),
  taskType: z.string().min(1).max(100).optional(),
  success: z.boolean().optional(),
  ...page,
});
export const getRequestLogOutput = z.object({
  items: z.array(requestLogRow).describe('newest first (ts desc, then id desc)'),
  total: count.describe('rows matching the filters'),
});

// ---------------------------------------------------------------- usage series

export const usagePoint = z.object({
  t: timestamp.describe('bucket start'),
  requests: count,
  successes: count,
  p50LatencyMs: z.number().min(0).nullable(),
  p95LatencyMs: z.number().min(0).nullable(),
  costUsd: usd,
  tokensIn: count,
  tokensOut: count,
});

export const getUsageSeriesInput = z.strictObject({
  window: windowParam.default('hour'),
  groupBy: z.enum(['none', 'model', 'layer']).default('model'),
});
export const getUsageSeriesOutput = z.object({
  window: z.enum(WINDOWS),
  bucketSeconds: z.number().int().positive(),
  from: timestamp.describe('start of the first bucket'),
  to: timestamp.describe('end of the last bucket (now, rounded up to a bucket)'),
  groupBy: z.enum(['none', 'model', 'layer']),
  series: z
    .array(z.object({ key: z.string().describe('model id, layer, or "all"'), points: z.array(usagePoint) }))
    .describe('buckets aggregated in SQL; only buckets with requests are listed, oldest first'),
  totals: z.object({
    requests: count,
    successes: count,
    costUsd: usd,
    p50LatencyMs: z.number().min(0).nullable(),
    p95LatencyMs: z.number().min(0).nullable(),
  }),
});

// ---------------------------------------------------------------- quality series

const meanOf = z.object({ mean: share, n: z.number().int().positive() });
export const qualityPoint = z.object({
  t: timestamp.describe('bucket start'),
  judge: meanOf.nullable().describe('judge model scores (0-1) of requests in the bucket'),
  caller: meanOf.nullable().describe('caller feedback scores (0-1)'),
  success: z.object({ rate: share, n: z.number().int().positive() }),
});

export const getQualitySeriesInput = z.strictObject({
  window: windowParam.default('day'),
  model: z.string().min(1).max(200).optional(),
});
export const getQualitySeriesOutput = z.object({
  window: z.enum(WINDOWS),
  bucketSeconds: z.number().int().positive(),
  from: timestamp,
  to: timestamp,
  judgeEnabled: z.boolean().describe('false when optimizer.judge is off: judge is then always null'),
  series: z.array(z.object({ model: z.string(), points: z.array(qualityPoint) })),
});

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

// ---------------------------------------------------------------- alerts

export const ALERT_KINDS = [
  'model_success_degraded',
  'model_latency_degraded',
  'provider_unavailable',
  'budget_crossed',
  'replay_failed',
  'recorder_dropped',
] as const;

export const getAlertsInput = z.strictObject({
  status: z.enum(['open', 'resolved', 'all']).default('open'),
  ...page,
});
export const getAlertsOutput = z.object({
  items: z.array(
    z.object({
      id,
      kind: z.enum(ALERT_KINDS),
      severity: z.enum(['info', 'warning', 'critical']),
      subject: z.string().describe('model id, provider id, key name or regression test name'),
      message: z.string(),
      openedAt: timestamp,
      resolvedAt: timestamp.nullable(),
      evidence: z.record(z.string(), z.unknown()),
      value: z.number().nullable().describe('the measure that crossed its threshold'),
      baseline: z.number().nullable().describe('what it was compared with'),
      window: z.string().describe('the time the measure covers'),
      delivery: z
        .object({
          deliveredAt: timestamp.nullable(),
          attempts: count,
          nextAttemptAt: timestamp.nullable(),
          lastError: z.string().nullable(),
        })
        .nullable()
        .describe('the webhook delivery (null when no webhook is configured)'),
    }),
  ),
  total: count,
});

// ---------------------------------------------------------------- API keys and budgets (admin)

export const BUDGET_PERIODS = ['day', 'month', 'total'] as const;

export const apiKeySummary = z.object({
  id,
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(scope),
  createdAt: timestamp,
  revokedAt: timestamp.nullable(),
  lastUsedAt: timestamp.nullable(),
  budget: z
    .object({
      limitUsd: usd,
      period: z.enum(BUDGET_PERIODS),
      spentUsd: usd.describe('spent in the current period'),
      resetsAt: timestamp.nullable().describe('null for total'),
    })
    .nullable(),
});

const budgetInput = z.strictObject({ limitUsd: z.number().positive().max(1_000_000), period: z.enum(BUDGET_PERIODS) });

export const listApiKeysInput = z.strictObject({ includeRevoked: z.boolean().default(false) });
export const listApiKeysOutput = z.object({ items: z.array(apiKeySummary) });

export const createApiKeyInput = z.strictObject({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(scope).min(1),
  budget: budgetInput.optional(),
});
export const createApiKeyOutput = z.object({
  key: z.string().describe('the key itself: shown once, never stored'),
  apiKey: apiKeySummary,
});

export const revokeApiKeyInput = z.strictObject({ id });
export const revokeApiKeyOutput = z.object({ apiKey: apiKeySummary, alreadyRevoked: z.boolean() });

export const setKeyBudgetInput = z.strictObject({
  id,
  budget: budgetInput.nullable().describe('null removes the budget'),
});
export const setKeyBudgetOutput = z.object({ apiKey: apiKeySummary });

// ---------------------------------------------------------------- the declarations

type Scope = (typeof CONSOLE_SCOPES)[number];
interface ConsoleToolDeclaration {
  description: string;
  readOnly: boolean;
  scope: Scope;
  input: z.ZodType;
  output: z.ZodType;
}

/** Every tool the console calls that the gateway does not have yet, keyed by its name. */
export const CONSOLE_TOOLS = {
  whoami: {
    description:
      'The scopes of the calling key (every scope when the gateway runs open), so a client can hide what it cannot do.',
    readOnly: true,
    scope: 'tools:read',
    input: whoamiInput,
    output: whoamiOutput,
  },
  get_request_log: {
    description: 'Routed requests as stored in request_log (redacted), newest first, with filters and paging.',
    readOnly: true,
    scope: 'tools:read',
    input: getRequestLogInput,
    output: getRequestLogOutput,
  },
  get_usage_series: {
    description:
      'Requests, successes, p50/p95 latency, cost and tokens per time bucket over the last hour, day or week, by model or layer (aggregated in SQL).',
    readOnly: true,
    scope: 'tools:read',
    input: getUsageSeriesInput,
    output: getUsageSeriesOutput,
  },
  get_quality_series: {
    description: 'Judge and caller scores (and call success) per model per time bucket.',
    readOnly: true,
    scope: 'tools:read',
    input: getQualitySeriesInput,
    output: getQualitySeriesOutput,
  },
  get_policy: {
    description:
      'The learned policy in force: objective, per task type each model estimated quality with its interval, n and traffic share, the per-prompt learner, live A/B evidence.',
    readOnly: true,
    scope: 'tools:read',
    input: getPolicyInput,
    output: getPolicyOutput,
  },
  explain_route: {
    description:
      'The routing decision for a prompt (classification, matched rule, ranked candidates with estimates, objective) without calling any model.',
    readOnly: true,
    scope: 'tools:read',
    input: explainRouteInput,
    output: explainRouteOutput,
  },
  get_alerts: {
    description: 'Alerts raised by the gateway (degraded model, provider down, budget crossed, failed replay).',
    readOnly: true,
    scope: 'tools:read',
    input: getAlertsInput,
    output: getAlertsOutput,
  },
  list_api_keys: {
    description: 'API keys (never the key itself) with scopes, last use and spend against budget.',
    readOnly: true,
    scope: 'admin',
    input: listApiKeysInput,
    output: listApiKeysOutput,
  },
  create_api_key: {
    description: 'Create an API key with scopes and an optional budget; the key is returned once.',
    readOnly: false,
    scope: 'admin',
    input: createApiKeyInput,
    output: createApiKeyOutput,
  },
  revoke_api_key: {
    description: 'Revoke an API key; it stops working at once on every replica.',
    readOnly: false,
    scope: 'admin',
    input: revokeApiKeyInput,
    output: revokeApiKeyOutput,
  },
  set_key_budget: {
    description: 'Set or remove the spend budget of an API key (USD per day, month or in total).',
    readOnly: false,
    scope: 'admin',
    input: setKeyBudgetInput,
    output: setKeyBudgetOutput,
  },
} as const satisfies Record<string, ConsoleToolDeclaration>;

export type ConsoleToolName = keyof typeof CONSOLE_TOOLS;
/** What a client sends (defaults optional). */
export type ConsoleToolInput<N extends ConsoleToolName> = z.input<(typeof CONSOLE_TOOLS)[N]['input']>;
/** What the gateway answers. */
export type ConsoleToolOutput<N extends ConsoleToolName> = z.output<(typeof CONSOLE_TOOLS)[N]['output']>;
export type RequestLogRow = z.output<typeof requestLogRow>;
