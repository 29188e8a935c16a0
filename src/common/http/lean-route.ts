import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { Logger } from '@nestjs/common';
import { toDomainError } from '../../errors';
import { logFailure } from '../logging/log-failure';
import { doorOf } from './doors';
import { writeError } from './error-shapes';

type Next = (err?: unknown) => void;
type Handler = (req: IncomingMessage, res: ServerResponse, next: Next) => unknown;
type ErrorHandler = (err: unknown, req: IncomingMessage, res: ServerResponse, next: Next) => unknown;
/** An express-style layer: (req, res, next), or (err, req, res, next) for an error handler (told apart by arity). */
export type Layer = Handler | ErrorHandler;

/** What a route's handler gets: the request with what the layers set on it (express's names). */
export type LeanRequest = IncomingMessage & { path: string; body?: unknown; id?: string };

export interface LeanRoute {
  method: string;
  /** The exact path (lower case, no trailing slash); any other spelling goes to the framework as before. */
  path: string;
  /** The same middleware, in the same order, as the framework runs for the route. */
  layers: Layer[];
  handle(req: LeanRequest, res: ServerResponse): Promise<void>;
}

const logger = new Logger('Http');

function matches(route: LeanRoute, req: IncomingMessage): boolean {
  if (req.method !== route.method) return false;
  const url = req.url ?? '';
  return url === route.path || (url.startsWith(route.path) && url.charCodeAt(route.path.length) === 63); /* ? */
}

/** Runs the layers express-style (an error skips to the next error handler), then the route's handler. */
function run(route: LeanRoute, req: LeanRequest, res: ServerResponse): void {
  let i = 0;
  const fail = (err: unknown) => {
    const failure = toDomainError(err);
    logFailure(logger, failure, `${req.method} ${route.path}`);
    writeError(res, doorOf(route.path), failure);
  };
  const next: Next = (err) => {
    while (i < route.layers.length) {
      const layer = route.layers[i++];
      const isErrorHandler = layer.length === 4;
      if (err === undefined ? isErrorHandler : !isErrorHandler) continue;
      try {
        if (err === undefined) (layer as Handler)(req, res, next);
        else (layer as ErrorHandler)(err, req, res, next);
      } catch (thrown) {
        return next(thrown ?? new Error('a middleware threw'));
      }
      return;
    }
    if (err !== undefined) return fail(err);
    route.handle(req, res).catch(fail);
  };
  next();
}

/**
 * Puts a raw node:http handler for the hot routes in front of the framework (express under Nest): a
 * matching request runs the same middleware and the same controller method without the framework's
 * router, request and response decoration; every other request goes to the framework as before.
 */
export function installLeanRoutes(server: Server, routes: LeanRoute[]): void {
  const framework = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    for (const route of routes)
      if (matches(route, req)) {
        (req as LeanRequest).path = route.path;
        return run(route, req as LeanRequest, res);
      }
    for (const listener of framework) listener.call(server, req, res);
  });
}
