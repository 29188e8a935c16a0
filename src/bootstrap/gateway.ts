import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { json, type Response } from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger as PinoLogger } from 'pino';
import { AppModule } from '../app.module';
import { ApiKeysService } from '../auth/api-keys.service';
import { AuthMiddleware } from '../auth/auth.middleware';
import { isLoopbackHost, UnsafeBindError } from '../security/binding';
import { hostOriginGuard } from '../common/http/host-origin';
import { RateLimitMiddleware } from '../security/rate-limit.middleware';
import { openDatabase } from './database';
import { accessLog } from '../common/http/access-log';
import { DomainExceptionFilter } from '../common/http/errors.filter';
import { bodyParserErrors, refuseDeepJson, requireJsonBody } from '../common/http/json-body';
import { bodySizeBytes, fastJsonBody } from '../common/http/fast-json-body';
import { InFlightTracker } from './in-flight-tracker';
import { installLeanRoutes, Layer, LeanRoute } from '../common/http/lean-route';
import { requestLogBinding } from '../common/logging/request-logger';
import { AnthropicApiController } from '../routing/anthropic-api.controller';
import { OpenAiApiController } from '../routing/openai-api.controller';
import { nestLogger } from '../common/logging/logger';
import { resolveConfigPath } from '../config/config.loader';
import { GatewayConfig } from '../config/config.schema';
import { DatabaseService } from '../database/database.service';
import { checkProviderPlugins } from '../providers/plugin-check';

type ChatRequest = Parameters<OpenAiApiController['chatCompletions']>[0];

/** The routes whose bodies are chat requests (security.chatBodyLimit). */
const CHAT_DOORS = ['/v1/chat/completions', '/v1/messages'];

export interface GatewayHandle {
  app: NestExpressApplication;
  db: DatabaseService;
  config: GatewayConfig;
  /** Base URL once listening. */
  url?: string;
  listen(): Promise<string>;
  /** Graceful: stop accepting, drain in-flight requests, flush (module hooks), close the database. */
  close(drainTimeoutMs?: number): Promise<void>;
}

export interface CreateGatewayOptions {
  config: GatewayConfig;
  logger: PinoLogger;
  /** Only the HTTP server needs body parsers and middleware. */
  http?: boolean;
  /** The file the config came from (named in config errors); default: the one loadConfig() reads. */
  configFile?: string;
}

/** Connects and migrates the database, then builds the Nest application on it. */
export async function createGateway(opts: CreateGatewayOptions): Promise<GatewayHandle> {
  const { config, logger } = opts;
  // Config errors that need the plugins stop the start before the database is opened or migrated.
  await checkProviderPlugins(config, opts.configFile ?? resolveConfigPath());
  const db = await openDatabase(config.database);
  let app: NestExpressApplication | undefined;
  try {
    const migrated = await db.migrate();
    if (migrated.applied.length > 0) logger.info({ applied: migrated.applied }, 'database migrated');
    app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, db, logger, opts.configFile), {
      logger: nestLogger(logger),
      bodyParser: false,
      abortOnError: false,
    });
    const inFlight = new InFlightTracker();
    const layers = configureHttp(app, config, logger, inFlight);
    await app.init();
    installLeanRoutes(app.getHttpServer(), chatRoutes(app, layers));
    return makeHandle(app, db, config, logger, inFlight);
  } catch (err) {
    await app?.close().catch(() => undefined);
    await db.close();
    throw err;
  }
}

/** Installs the middleware every request runs; returns those a chat-completions request runs, in order. */
function configureHttp(
  app: NestExpressApplication,
  config: GatewayConfig,
  logger: PinoLogger,
  inFlight: InFlightTracker,
): Layer[] {
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  const access = accessLog(logger, inFlight);
  app.use(access);
  // Host (DNS rebinding) and Origin (cross-site pages) on every door, before anything else reads the request.
  const hostOrigin = hostOriginGuard(config);
  app.use(hostOrigin);
  // Bearer key and rate limit before the body parser: a refused caller costs no body parse and no query.
  const guards = [app.get(AuthMiddleware).handler(), app.get(RateLimitMiddleware).handler()];
  app.use(...guards);
  // Chat requests carry whole conversations and images (a long Claude Code session passes 1 MB): a larger limit.
  const { chatBodyLimit, bodyLimit } = config.security;
  const chatJson = fastJsonBody(json({ limit: chatBodyLimit }), bodySizeBytes(chatBodyLimit));
  const chatBody = [chatJson, bodyParserErrors(chatBodyLimit, 'security.chatBodyLimit')];
  app.use(CHAT_DOORS, ...chatBody);
  app.useBodyParser('json', { limit: bodyLimit });
  // (The body parser above skips a body the chat parser has read, or one it skipped for its Content-Type.)
  const anyBody = [bodyParserErrors(bodyLimit), requireJsonBody(), refuseDeepJson()];
  app.use(...anyBody);
  app.useGlobalFilters(new DomainExceptionFilter());
  // Then what Nest runs as module middleware on its routes: the request's logger bound to its context.
  return [access, hostOrigin, ...guards, ...chatBody, ...anyBody, requestLogBinding(logger)] as Layer[];
}

/**
 * POST /v1/chat/completions and /v1/messages without express and Nest's router: the same middleware, then
 * the logger binding, then the controller method the Nest route calls.
 */
function chatRoutes(app: NestExpressApplication, layers: Layer[]): LeanRoute[] {
  const openai = app.get(OpenAiApiController);
  const anthropic = app.get(AnthropicApiController);
  // The lean request carries what the layers set (body, id, auth) under express's names.
  return [
    chatRoute('/v1/chat/completions', layers, (req, res) => openai.chatCompletions(req, res)),
    // Through express, a Messages request cost about twice the CPU of a chat completion (1,133 us at 500 req/s):
    // its request and response objects get express's prototypes, and with them hidden classes of their own.
    chatRoute('/v1/messages', layers, (req, res) => anthropic.messages(req, res)),
  ];
}

function chatRoute(
  path: string,
  layers: Layer[],
  handle: (req: ChatRequest, res: Response) => Promise<void>,
): LeanRoute {
  return {
    method: 'POST',
    path,
    layers,
    handle: (req, res) => handle(req as unknown as ChatRequest, res as Response),
  };
}

function makeHandle(
  app: NestExpressApplication,
  db: DatabaseService,
  config: GatewayConfig,
  logger: PinoLogger,
  inFlight: InFlightTracker,
): GatewayHandle {
  let closing: Promise<void> | undefined;
  const handle: GatewayHandle = {
    app,
    db,
    config,
    async listen() {
      assertSafeBinding(app, config, logger);
      await app.listen(config.server.port, config.server.host);
      const address = app.getHttpServer().address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      handle.url = `http://${host}:${address.port}`;
      db.dataDirLock?.setUrl(handle.url);
      return handle.url;
    },
    close(drainTimeoutMs = 7000) {
      closing ??= shutdown(app, db, logger, inFlight, drainTimeoutMs);
      return closing;
    },
  };
  return handle;
}

/** No keys: open on loopback (with a warning), refused anywhere else. */
function assertSafeBinding(app: NestExpressApplication, config: GatewayConfig, logger: PinoLogger): void {
  if (app.get(ApiKeysService).hasActiveKeys()) return;
  if (!isLoopbackHost(config.server.host)) throw new UnsafeBindError(config.server.host);
  logger.warn(
    'no API key exists: the gateway runs open to anyone on this machine (create one with npm run keys -- create --name N --scopes a,b)',
  );
}

async function shutdown(
  app: INestApplication,
  db: DatabaseService,
  logger: PinoLogger,
  inFlight: InFlightTracker,
  drainTimeoutMs: number,
): Promise<void> {
  const server = app.getHttpServer() as Server;
  if (server.listening) {
    server.close();
    server.closeIdleConnections();
    const drained = await inFlight.drain(drainTimeoutMs);
    if (!drained)
      logger.warn(
        { inFlight: inFlight.size },
        'shutdown: requests still in flight after the drain timeout; closing them',
      );
    server.closeAllConnections();
  }
  try {
    await app.close();
  } finally {
    await db.close();
  }
}
