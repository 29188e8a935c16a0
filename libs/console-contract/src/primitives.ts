// Part of the console contract (index.ts): zod only, no Nest, ORM or Node APIs.
import { z } from 'zod';

/**
 * The gateway's SCOPES (src/auth), LAYERS (src/config) and A/B strategies, repeated: the contract imports
 * nothing of the gateway; src/console/console-contract.spec.ts checks that they agree.
 */
export const CONSOLE_SCOPES = ['route', 'tools:read', 'tools:write', 'admin'] as const;
export const CONSOLE_LAYERS = ['fast', 'balanced', 'deep'] as const;
export const STRATEGY_NAMES = ['learned', 'static', 'cheapest', 'greedy'] as const;

/** The console's time windows and the width of one bucket in each (the SPA derives rates from it). */
export const WINDOWS = ['hour', 'day', 'week'] as const;
export const BUCKET_SECONDS: Record<(typeof WINDOWS)[number], number> = { hour: 60, day: 900, week: 3600 };

/** Server-sent events of redacted request_log rows (see requestLogRow); scope tools:read. */
export const REQUEST_EVENTS_PATH = '/events/requests';
export const REQUEST_EVENT_NAME = 'request';

export const scope = z.enum(CONSOLE_SCOPES);
export const layer = z.enum(CONSOLE_LAYERS);
export const windowParam = z
  .enum(WINDOWS)
  .describe('hour: 1-minute buckets; day: 15-minute buckets; week: 1-hour buckets');
export const timestamp = z.iso.datetime().describe('ISO 8601, UTC');
export const id = z.number().int().positive();
export const count = z.number().int().min(0);
export const usd = z.number().min(0).describe('USD');
export const share = z.number().min(0).max(1);
export const page = {
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
