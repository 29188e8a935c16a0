import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { requestContext } from '../logging/request-context';

const CLIENT_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Tracks in-flight requests so a graceful stop can wait for them. */
export class InFlightTracker {
  private count = 0;
  private waiters: Array<() => void> = [];

  enter(): void {
    this.count++;
  }
  leave(): void {
    this.count--;
    if (this.count === 0) this.waiters.splice(0).forEach((w) => w());
  }
  get size(): number {
    return this.count;
  }
  /** Resolves when nothing is in flight or the timeout passes; true when drained. */
  drain(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}

/**
 * Gives each request an id (the client's x-request-id when it is sane, else a new UUID), echoes it,
 * runs the rest of the request inside that context and writes one access-log line at the end.
 */
export function requestIdMiddleware(logger: Logger, inFlight: InFlightTracker) {
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
