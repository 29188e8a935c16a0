import type { IncomingMessage, ServerResponse } from 'node:http';
import { doorOfRequest } from './doors';
import { writeError } from './error-shapes';
import { ForbiddenError } from '../../errors';
import { isLoopbackHost } from './loopback';

/** The part of the config these checks read (config security.allowedHosts, allowedOrigins and server.host). */
interface SecurityConfig {
  allowedHosts: readonly string[];
  allowedOrigins: readonly string[];
}

/** Host header without its port, lower-cased. */
function hostName(req: IncomingMessage): string {
  return (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
}

/** DNS-rebinding defence: a loopback gateway answers only to the configured host names. */
export function hostRefusal(req: IncomingMessage, security: SecurityConfig): string | undefined {
  if (security.allowedHosts.map((h) => h.toLowerCase()).includes(hostName(req))) return undefined;
  return `Host "${req.headers.host}" is not allowed`;
}

/**
 * Cross-origin defence: a request a browser sends from a page (it carries Origin) is served only when that
 * page is the gateway's own origin (the console), an allowedOrigins entry, or (allowedOrigins empty) a page
 * on an allowed host name and the same port. Requests without Origin (SDKs, curl) pass.
 */
export function originRefusal(req: IncomingMessage, security: SecurityConfig): string | undefined {
  const origin = req.headers.origin;
  if (origin === undefined) return undefined;
  if (security.allowedOrigins.includes(origin)) return undefined;
  try {
    const url = new URL(origin);
    if (url.host.toLowerCase() === (req.headers.host ?? '').toLowerCase()) return undefined;
  } catch {
    // an unparseable Origin (or "null" from a sandboxed page) is refused
  }
  return `Origin "${origin}" is not allowed`;
}

/**
 * Installed before every route and the auth check (bootstrap/gateway.ts): refuses with 403 in the door's
 * error shape a foreign Host (on a loopback bind) or a foreign Origin (on any bind), on every door.
 */
export function hostOriginGuard(config: { server: { host: string }; security: SecurityConfig }) {
  const checkHost = isLoopbackHost(config.server.host);
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const refusal = (checkHost ? hostRefusal(req, config.security) : undefined) ?? originRefusal(req, config.security);
    if (!refusal) return next();
    const code = refusal.startsWith('Host') ? 'host_not_allowed' : 'origin_not_allowed';
    writeError(res, doorOfRequest(req), new ForbiddenError(refusal, { code }));
  };
}
