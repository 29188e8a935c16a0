/**
 * The contract of the tools the operator's console (libs/console-ui) needs beyond the existing ones:
 * names, scopes, zod input and output schemas. The backend declares each tool with these schemas
 * (`@Tool({ name, ...CONSOLE_TOOLS.get_policy, ... })`); the SPA imports only the types (`import type`).
 * Both import it by its package name, @ai-mcp-gateway/console-contract; it depends on zod alone and stays
 * free of Nest, the ORM and Node APIs. libs/console-ui/README.md documents it.
 */
import { z } from 'zod';
import { CONSOLE_SCOPES } from './primitives';
import {
  whoamiInput,
  whoamiOutput,
  getRequestLogInput,
  getRequestLogOutput,
  getUsageSeriesInput,
  getUsageSeriesOutput,
  getQualitySeriesInput,
  getQualitySeriesOutput,
  requestLogRow,
} from './traffic';
import { getPolicyInput, getPolicyOutput, explainRouteInput, explainRouteOutput } from './policy';
import {
  getAlertsInput,
  getAlertsOutput,
  listApiKeysInput,
  listApiKeysOutput,
  createApiKeyInput,
  createApiKeyOutput,
  revokeApiKeyInput,
  revokeApiKeyOutput,
  setKeyBudgetInput,
  setKeyBudgetOutput,
} from './admin';

export {
  BUCKET_SECONDS,
  CONSOLE_LAYERS,
  CONSOLE_SCOPES,
  REQUEST_EVENT_NAME,
  REQUEST_EVENTS_PATH,
  STRATEGY_NAMES,
  WINDOWS,
  estimate,
} from './primitives';
export * from './traffic';
export * from './policy';
export * from './admin';

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
