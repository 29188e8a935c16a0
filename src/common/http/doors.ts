import type { Request } from 'express';
import type { IncomingMessage } from 'node:http';

/** The ways in: each answers errors in its own clients' shape (error-shapes.ts). */
export type Door = 'openai' | 'anthropic' | 'mcp' | 'rest';

/**
 * Lower-cased, percent-decoded, without repeated or trailing slashes: the form routes are matched on
 * (Express matches case-insensitively), so that `/V1//models/` cannot slip past a scope check.
 */
export function normalizePath(path: string): string {
  if (isNormalized(path)) return path;
  let p = path;
  try {
    p = decodeURIComponent(path);
  } catch {
    // a malformed escape: classify the raw path (no route will match it anyway)
  }
  p = p.toLowerCase().replace(/\/{2,}/g, '/');
  return p.length > 1 ? p.replace(/\/+$/, '') || '/' : p;
}

/** Already in that form (the usual request): ASCII without escapes or upper case, no empty segment, no trailing slash. */
function isNormalized(path: string): boolean {
  let previous = 0;
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c === 37 /* % */ || c > 127 || (c >= 65 && c <= 90) /* A-Z */ || (c === 47 && previous === 47)) return false;
    previous = c;
  }
  return path.length <= 1 || previous !== 47;
}

export function doorOf(normalizedPath: string): Door {
  if (normalizedPath === '/v1/messages' || normalizedPath.startsWith('/v1/messages/')) return 'anthropic';
  if (normalizedPath === '/v1' || normalizedPath.startsWith('/v1/')) return 'openai';
  if (normalizedPath === '/mcp' || normalizedPath.startsWith('/mcp/')) return 'mcp';
  return 'rest';
}

/**
 * The door of a request, from the URL it came with: express's `originalUrl` (its `path` is relative to
 * the mount point inside middleware mounted on a path), else the raw URL (a bare node handler).
 */
export function doorOfRequest(req: IncomingMessage & { originalUrl?: string }): Door {
  return doorOf(normalizePath((req.originalUrl ?? req.url ?? '/').split('?')[0]));
}

/** The peer's address: the gateway does not trust proxy headers. */
export function clientIp(req: Request): string {
  const ip = req.socket.remoteAddress ?? 'unknown';
  return ip.startsWith('::ffff:') ? ip.slice('::ffff:'.length) : ip;
}
