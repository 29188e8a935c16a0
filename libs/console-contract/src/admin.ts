// Part of the console contract (index.ts): zod only, no Nest, ORM or Node APIs.
import { z } from 'zod';
import { count, id, page, scope, timestamp, usd } from './primitives';

// ---------------------------------------------------------------- alerts

export const ALERT_KINDS = [
  'model_success_degraded',
  'model_latency_degraded',
  'provider_unavailable',
  'budget_crossed',
  'replay_failed',
  'recorder_dropped',
  'judge_score_dropped',
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
