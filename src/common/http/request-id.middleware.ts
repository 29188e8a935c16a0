import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { requestContext } from '../logging/request-context';

const CLIENT_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * Gives each request an id (the client's x-request-id when it is sane, else a new UUID), echoes it,
 * runs the rest of the request inside that context and writes one access-log line at the end.
 */
/** What the middleware tells about requests entering and leaving (the graceful stop's tracker). */
export interface InFlightCounter {
  enter(): void;
  leave(): void;
}

export function requestIdMiddleware(logger: Logger, inFlight: InFlightCounter) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && CLIENT_ID.test(given) ? given : randomUUID();
    (req as Request & { id: string }).id = requestId;
    res.setHeader('x-request-id', requestId);
    const started = process.hrtime.bigint();
    inFlight.enter();
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      inFlight.leave();
      if (logger.isLevelEnabled('info')) {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        logger.info(
          {
            reqId: requestId,
            method: req.method,
            url: req.originalUrl.split('?')[0],
            status: res.statusCode,
            ms: Math.round(ms * 100) / 100,
          },
          'request',
        );
      }
    };
    res.once('finish', finish);
    res.once('close', finish);
    requestContext.run({ requestId }, next);
  };
}
