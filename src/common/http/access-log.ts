import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
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

/** The one access-log line of a request: reqId, method, url without query, status, ms. */
function line(req: Request, res: ServerResponse): Record<string, unknown> {
  const started = (req as TimedRequest)[STARTED] ?? performance.now();
  return {
    reqId: req.id,
    method: req.method,
    url: (req.originalUrl ?? req.url ?? '').split('?')[0],
    status: res.statusCode,
    ms: Math.round((performance.now() - started) * 100) / 100,
  };
}

/**
 * The first middleware: sets `req.id` (see requestIdOf), counts the request in flight, and, when the log
 * level is info or lower, writes one `request` line when the response finishes or the client goes away.
 * The line carries the reqId as a request's child logger would, without making one (see request-logger.ts:
 * Nest log lines inside the request get theirs from the context). pino-http did this before; of it the
 * gateway used the id and this one line, and it made a child logger for every request.
 */
export function accessLog(logger: Logger, inFlight: InFlightCounter): RequestHandler {
  const writeLines = logger.isLevelEnabled('info');
  return (req: Request, res: Response, next: NextFunction): void => {
    (req as TimedRequest)[STARTED] = performance.now();
    req.id = requestIdOf(req, res);
    tagRequest(req, inFlight);
    inFlight.enter();
    let left = false;
    const leave = () => {
      if (left) return;
      left = true;
      inFlight.leave();
      if (writeLines) logger.info(line(req, res), 'request');
    };
    res.once('finish', leave);
    res.once('close', leave);
    next();
  };
}
