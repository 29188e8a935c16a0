import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { LongLivedResponses, tagRequest } from './long-lived';

/** A client's own x-request-id is kept (beside the gateway's) when it is this sane; anything else is ignored. */
const CLIENT_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const STARTED = Symbol('startedAt');

type TimedRequest = IncomingMessage & { [STARTED]?: number };

/** What the access log tells about requests entering and leaving (the graceful stop's tracker). */
export interface InFlightCounter extends LongLivedResponses {
  enter(): void;
  leave(): void;
}

/** A request as the access log tags it: the client's own id beside the gateway's `id`. */
export type TaggedRequest = IncomingMessage & { clientRequestId?: string };

/**
 * The request id: always made by the gateway (a UUID), so that a reused client id never merges records;
 * answered as x-request-id. A sane client x-request-id is kept as clientRequestId (recorded beside it)
 * and echoed as x-client-request-id.
 */
export function requestIdOf(req: IncomingMessage, res: ServerResponse): string {
  const id = randomUUID();
  const given = req.headers['x-request-id'];
  if (typeof given === 'string' && CLIENT_ID.test(given)) {
    (req as TaggedRequest).clientRequestId = given;
    res.setHeader('x-client-request-id', given);
  }
  res.setHeader('x-request-id', id);
  return id;
}

/** The one access-log line of a request: reqId (a binding), method, url without query, status, ms. */
function line(req: IncomingMessage, res: ServerResponse): Record<string, unknown> {
  const started = (req as TimedRequest)[STARTED] ?? performance.now();
  return {
    method: req.method,
    url: ((req as Request).originalUrl ?? req.url ?? '').split('?')[0],
    status: res.statusCode,
    ms: Math.round((performance.now() - started) * 100) / 100,
  };
}

/**
 * pino-http as the first middleware: sets `req.id` and `req.log` (a child logger with the reqId,
 * which nestjs-pino binds to the request's async context for every Nest log line), and writes one
 * `request` line per request. Kept cheap on the hot path: one child of the root logger per request
 * (its only binding is the reqId, serialized from the request), no request or response serialization
 * (the line builds four fields); a second child per request, pino-http's default, costs several times more.
 */
export function accessLog(logger: Logger, inFlight: InFlightCounter): RequestHandler {
  const http = pinoHttp({
    logger,
    genReqId: requestIdOf,
    customAttributeKeys: { req: 'reqId' },
    wrapSerializers: false,
    serializers: { reqId: (req: IncomingMessage) => req.id },
    autoLogging: logger.isLevelEnabled('info'),
    customLogLevel: () => 'info',
    customSuccessMessage: () => 'request',
    customErrorMessage: () => 'request',
    customSuccessObject: line,
    customErrorObject: line,
  });
  return (req: Request, res: Response, next: NextFunction): void => {
    (req as TimedRequest)[STARTED] = performance.now();
    tagRequest(req, inFlight);
    inFlight.enter();
    let left = false;
    const leave = () => {
      if (left) return;
      left = true;
      inFlight.leave();
    };
    res.once('finish', leave);
    res.once('close', leave);
    http(req, res, next);
  };
}
