// Part of the console contract (index.ts): zod only, no Nest, ORM or Node APIs.
import { z } from 'zod';
import { count, id, layer, page, scope, share, timestamp, usd, windowParam, WINDOWS } from './primitives';

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
