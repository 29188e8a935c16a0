import type { IncomingMessage, ServerResponse } from 'node:http';
import { Store, storage } from 'nestjs-pino/storage';
import type { Logger } from 'pino';

/** A request as the access log leaves it: the gateway's request id under express's name. */
type IdentifiedRequest = IncomingMessage & { id?: string };

/**
 * nestjs-pino's per-request store (what its Logger reads to give a Nest log line the request's reqId), with
 * the request's child logger made on first use: most requests log nothing, and a pino child costs its
 * bindings' serialization and the redaction setup (about 6 KB and a few microseconds a request).
 */
class RequestLogStore implements Store {
  responseLogger?: Logger;
  private child?: Logger;

  constructor(
    private readonly root: Logger,
    private readonly reqId: string | undefined,
  ) {}

  get logger(): Logger {
    this.child ??= this.reqId === undefined ? this.root : this.root.child({ reqId: this.reqId });
    return this.child;
  }

  /** nestjs-pino's PinoLogger.assign() replaces the logger with a child of it. */
  set logger(logger: Logger) {
    this.child = logger;
  }
}

/**
 * The middleware that binds the request's logger to its async context for everything that follows it (the
 * controller, the services it calls): installed after the body parsers, whose stream callbacks would lose it.
 */
export function requestLogBinding(root: Logger) {
  return (req: IncomingMessage, _res: ServerResponse, next: () => void): void => {
    storage.run(new RequestLogStore(root, (req as IdentifiedRequest).id), next);
  };
}
