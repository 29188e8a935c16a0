import type { IncomingMessage } from 'node:http';

/** Where long-lived responses (server-sent event streams) register to be ended when the gateway drains. */
export interface LongLivedResponses {
  /** Registers `end`, called once when the gateway starts draining; returns the unregister function. */
  hold(end: () => void): () => void;
}

const REGISTRY = Symbol('longLivedResponses');
type Tagged = IncomingMessage & { [REGISTRY]?: LongLivedResponses };

/** Set by the access log on every request (one property write), so that a stream can find the drain. */
export function tagRequest(req: IncomingMessage, registry: LongLivedResponses): void {
  (req as Tagged)[REGISTRY] = registry;
}

/**
 * Marks the response of `req` as long-lived: `end` is called when the gateway stops, before it waits for
 * in-flight requests (a stream would otherwise hold the drain until its timeout). Returns the release.
 */
export function holdOpen(req: IncomingMessage, end: () => void): () => void {
  return (req as Tagged)[REGISTRY]?.hold(end) ?? (() => undefined);
}
