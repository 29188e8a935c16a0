import type { Request, Response } from 'express';
import { toOpenAiError } from './http-exception.filter';

export type Door = 'openai' | 'mcp' | 'rest';
export type RejectionKind = 'unauthorized' | 'forbidden' | 'rate_limited';

const OPENAI_CODES: Record<RejectionKind, string> = {
  unauthorized: 'invalid_api_key',
  forbidden: 'insufficient_scope',
  rate_limited: 'rate_limit_exceeded',
};

/** JSON-RPC error codes for MCP clients (server-defined range). */
const MCP_CODES: Record<RejectionKind, number> = {
  unauthorized: -32001,
  forbidden: -32003,
  rate_limited: -32029,
};

/**
 * Lower-cased, percent-decoded, without repeated or trailing slashes: the form routes are matched on
 * (Express matches case-insensitively), so that `/V1//models/` cannot slip past a scope check.
 */
export function normalizePath(path: string): string {
  let p = path;
  try {
    p = decodeURIComponent(path);
  } catch {
    // a malformed escape: classify the raw path (no route will match it anyway)
  }
  p = p.toLowerCase().replace(/\/{2,}/g, '/');
  return p.length > 1 ? p.replace(/\/+$/, '') || '/' : p;
}

export function doorOf(normalizedPath: string): Door {
  if (normalizedPath === '/v1' || normalizedPath.startsWith('/v1/')) return 'openai';
  if (normalizedPath === '/mcp' || normalizedPath.startsWith('/mcp/')) return 'mcp';
  return 'rest';
}

/** Answers a refused request in the shape its door's clients understand. */
export function reject(res: Response, door: Door, status: number, kind: RejectionKind, message: string): void {
  if (status === 401) res.setHeader('www-authenticate', 'Bearer realm="ai-mcp-gateway"');
  if (door === 'openai') {
    res.status(status).json(toOpenAiError(status, { error: OPENAI_CODES[kind], message }));
  } else if (door === 'mcp') {
    res.status(status).json({ jsonrpc: '2.0', error: { code: MCP_CODES[kind], message }, id: null });
  } else {
    res.status(status).json({ error: message, kind, issues: [] });
  }
}

/** The peer's address: the gateway does not trust proxy headers. */
export function clientIp(req: Request): string {
  const ip = req.socket.remoteAddress ?? 'unknown';
  return ip.startsWith('::ffff:') ? ip.slice('::ffff:'.length) : ip;
}
