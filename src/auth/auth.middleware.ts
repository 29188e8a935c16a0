import { Inject, Injectable, Logger } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Counter } from 'prom-client';
import { GATEWAY_CONFIG } from '../config/config.module';
import { GatewayConfig } from '../config/config.schema';
import { HealthService } from '../observability/health.service';
import { MetricsService } from '../observability/metrics.service';
import { ApiKeyUsage } from './api-key-usage';
import { ApiKeysService } from './api-keys.service';
import { isLoopbackHost } from '../common/http/loopback';
import { doorOf, normalizePath } from '../common/http/doors';
import { writeError } from '../common/http/error-shapes';
import { ForbiddenError, UnauthorizedError } from '../errors';
import { AuthContext, hasScope, Scope } from './scopes';

/** What a route asks of the caller: nothing (public), any active key, or a key with one scope. */
export type Requirement = { public: true } | { public: false; scope?: Scope };

/**
 * The route table of the auth check, on the normalized path:
 * GET /health, /metrics, the API description (/openapi.json, /docs) and the console's static files (/console/*: no data, the page reads through the
 * tool doors with the operator's key) are public; /v1/* (the Anthropic door /v1/messages too) needs `route`;
 * the tool listing and the live request log (GET /events/requests) need `tools:read`; /admin/* (reload) `admin`;
 * /tools/:name and /mcp need any active key (the ToolCaller then checks each tool's own scope);
 * everything else needs an active key.
 */
export function requirementFor(method: string, path: string): Requirement {
  const read = method === 'GET' || method === 'HEAD';
  if (read && (path === '/health' || path === '/metrics')) return { public: true };
  if (read && (path === '/console' || path.startsWith('/console/'))) return { public: true };
  if (read && (path === '/openapi.json' || path === '/docs' || path.startsWith('/docs/'))) return { public: true };
  if (path === '/v1' || path.startsWith('/v1/')) return { public: false, scope: 'route' };
  if (path === '/admin' || path.startsWith('/admin/')) return { public: false, scope: 'admin' };
  if (read && path === '/tools') return { public: false, scope: 'tools:read' };
  if (read && path === '/events/requests') return { public: false, scope: 'tools:read' };
  return { public: false };
}

/** `Authorization: Bearer <key>` (the scheme is case-insensitive); undefined when absent or of another scheme. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^\s*bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/** The x-api-key header (one non-empty value); undefined otherwise. */
export function apiKeyHeader(header: string | string[] | undefined): string | undefined {
  const value = typeof header === 'string' ? header.trim() : undefined;
  return value ? value : undefined;
}

export type AuthenticatedRequest = Request & { auth?: AuthContext };

/**
 * open: no key needed (loopback, and no key was ever created or security.open is true);
 * keys: a valid key is needed; closed: no key is active and the gateway may not run open, so every
 * request that needs a key is refused (every key revoked, or a non-loopback bind without keys).
 */
export type AccessMode = 'open' | 'keys' | 'closed';

/**
 * Express middleware, installed before the body parser and every route (see configureHttp): a refused
 * caller costs a hash and a map lookup, never a body parse or a query. The Authorization header is
 * removed once read, so nothing downstream (tool handlers, providers, logs) can see the key.
 */
@Injectable()
export class AuthMiddleware {
  private readonly logger = new Logger('Auth');
  private readonly loopback: boolean;
  private readonly rejected: Counter<string>;
  private lastMode?: AccessMode;

  constructor(
    private readonly keys: ApiKeysService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    metrics: MetricsService,
    private readonly usage: ApiKeyUsage,
    health: HealthService,
  ) {
    this.loopback = isLoopbackHost(config.server.host);
    this.rejected = metrics.counter('gateway_auth_rejected_total', 'Requests refused by the API key check', ['status']);
    health.register('auth', () => ({ mode: this.mode }));
    keys.onChange(() => this.logMode());
  }

  /** The access mode in force now (see AccessMode). */
  get mode(): AccessMode {
    if (this.keys.hasActiveKeys()) return 'keys';
    const open = this.config.security.open ?? !this.keys.hadKeys();
    return this.loopback && open ? 'open' : 'closed';
  }

  /** True when the gateway serves without keys. */
  get open(): boolean {
    return this.mode === 'open';
  }

  /** One log line whenever the mode changes (a first key, the last key revoked, a replica hearing of it). */
  private logMode(): void {
    const mode = this.mode;
    if (mode === this.lastMode) return;
    const first = this.lastMode === undefined;
    this.lastMode = mode;
    if (mode === 'keys') this.logger.log('access mode: keys (a valid API key is required)');
    else if (mode === 'open') this.logger.warn('access mode: open (no API key was ever created; loopback only)');
    else if (!first || this.keys.hadKeys())
      this.logger.warn(
        'access mode: closed (no API key is active): requests are refused until a key is created (npm run keys -- create)',
      );
  }

  handler(): RequestHandler {
    return (req, res, next) => this.handle(req as AuthenticatedRequest, res, next);
  }

  private handle(req: AuthenticatedRequest, res: Response, next: NextFunction): void {
    const path = normalizePath(req.path);
    const anthropic = doorOf(path) === 'anthropic';
    // Anthropic's clients send the key as x-api-key (Claude Code with ANTHROPIC_API_KEY); a bearer works there too.
    const token =
      bearerToken(req.headers.authorization) ?? (anthropic ? apiKeyHeader(req.headers['x-api-key']) : undefined);
    delete req.headers.authorization;
    delete req.headers['x-api-key'];
    const need = requirementFor(req.method, path);
    if (need.public) return next();
    if (!this.keys.hasActiveKeys()) {
      if (this.mode === 'open') return next();
      return this.refuse(
        res,
        path,
        401,
        this.loopback
          ? 'every API key is revoked and the gateway does not fall back to open mode; create a key with npm run keys -- create (or set security.open: true)'
          : 'no API key is active while the gateway listens on a non-loopback address; create one with npm run keys -- create',
      );
    }
    if (!token)
      return this.refuse(
        res,
        path,
        401,
        anthropic
          ? 'an API key is required: send x-api-key: <key> or Authorization: Bearer <key>'
          : 'a bearer key is required: send Authorization: Bearer <key>',
      );
    const auth = this.keys.verify(token);
    if (!auth) return this.refuse(res, path, 401, `the ${anthropic ? 'API' : 'bearer'} key is unknown or revoked`);
    if (need.scope && !hasScope(auth.scopes, need.scope))
      return this.refuse(res, path, 403, `this route needs the "${need.scope}" scope, which the key does not have`);
    req.auth = auth;
    this.usage.touch(auth.keyId);
    next();
  }

  private refuse(res: Response, path: string, status: 401 | 403, message: string): void {
    this.rejected.inc({ status: String(status) });
    const err =
      status === 401
        ? new UnauthorizedError(message, { code: 'invalid_api_key' })
        : new ForbiddenError(message, { code: 'insufficient_scope' });
    writeError(res, doorOf(path), err);
  }
}
