import { createHash } from 'node:crypto';
import type { ChatMessage } from '@ai-mcp-gateway/provider-sdk';

/** What a door says about caching one request (read from its headers). */
export type CacheDirective = 'default' | 'use' | 'skip';

/** The parts of a chat request that decide its answer, and whose request it is. */
export interface CacheableRequest {
  /** The caller: an API key id, or `open` when the gateway runs without keys. */
  scope: string;
  model: string;
  messages: readonly ChatMessage[];
  params: Readonly<Record<string, unknown>>;
  taskType?: string;
}

/** Parameters that do not change the answer (end-user tracking, stored metadata). */
const IGNORED_PARAMS = new Set(['user', 'metadata']);

/** JSON with object keys sorted: the same request gives the same text whatever the order its client wrote. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

/** sha256 of the normalised request: the caller, the model asked for, the messages and the parameters that matter. */
export function cacheKey(req: CacheableRequest): string {
  const params: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(req.params)) if (!IGNORED_PARAMS.has(k)) params[k] = v;
  const text = canonical({ s: req.scope, m: req.model, t: req.taskType, msg: req.messages, p: params });
  return createHash('sha256').update(text).digest('hex');
}

/**
 * `cache-control: no-cache` or `no-store` skips the cache (neither read nor written); `x-gateway-cache: use`
 * asks for it on a request that is not deterministic by itself (temperature other than 0).
 */
export function directiveOf(headers: Readonly<Record<string, string | string[] | undefined>>): CacheDirective {
  const control = String(headers['cache-control'] ?? '').toLowerCase();
  if (/\bno-(cache|store)\b/.test(control)) return 'skip';
  const asked = String(headers['x-gateway-cache'] ?? '')
    .trim()
    .toLowerCase();
  if (asked === 'skip' || asked === 'off') return 'skip';
  return asked === 'use' || asked === 'on' ? 'use' : 'default';
}
