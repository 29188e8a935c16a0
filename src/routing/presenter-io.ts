import type { ServerResponse } from 'node:http';
import type { CatalogueModel } from '../providers/model-catalogue';
import { ClientLink } from './attempt-scope';
import { directiveOf } from '../response-cache/cache-key';
import type { Caller, RequestCacheOptions, RouteDecision } from './routing.types';

/**
 * What the chat doors' presenters (OpenAI, Anthropic) write alike, with node's ServerResponse
 * primitives only (so a bare node:http handler can use them too).
 */

export function decisionHeaders(
  res: ServerResponse,
  decision: RouteDecision,
  model: CatalogueModel,
  cached = false,
): void {
  res.setHeader('x-gateway-cache', cached ? 'hit' : 'miss');
  res.setHeader('x-gateway-model', model.id);
  res.setHeader('x-gateway-layer', model.layer);
  res.setHeader('x-gateway-task-type', decision.taskType);
  if (decision.rule) res.setHeader('x-gateway-rule', String(decision.rule.id));
  if (decision.objective) res.setHeader('x-gateway-objective', decision.objective);
}

/**
 * The response cache options of a chat request: its caller (the verified key's id, set on the request by
 * the auth middleware; `open` without keys) and its headers' directive (cache-control, x-gateway-cache).
 */
export function cacheOptions(res: ServerResponse): RequestCacheOptions {
  const req = res.req as (ServerResponse['req'] & { auth?: { keyId: number } }) | undefined;
  const keyId = req?.auth?.keyId;
  return {
    scope: keyId === undefined ? 'open' : `key:${keyId}`,
    directive: req ? directiveOf(req.headers) : 'default',
    startedAt: performance.now(),
  };
}

/** The headers a failed request still gets when it was routed before it failed. */
export function failureHeaders(res: ServerResponse, decision: RouteDecision | undefined): void {
  if (!decision || res.headersSent) return;
  res.setHeader('x-gateway-layer', decision.layer);
  if (decision.rule) res.setHeader('x-gateway-rule', String(decision.rule.id));
}

const CLIENT_LINK = Symbol('clientLink');
type LinkedResponse = ServerResponse & { [CLIENT_LINK]?: ClientLink };

/** 'close' of a chat response (this = the response): the client went away unless the answer was complete. */
function onResponseClose(this: LinkedResponse): void {
  if (!this.writableFinished) this[CLIENT_LINK]?.close();
}

/**
 * The client's going away, for the router. Only a client that leaves before the answer is complete
 * cancels anything: no AbortController, no abort and no DOMException for a response that finished.
 */
export function linkClient(res: ServerResponse): ClientLink {
  const client = new ClientLink();
  (res as LinkedResponse)[CLIENT_LINK] = client;
  res.once('close', onResponseClose);
  return client;
}

/** JSON without express's per-response ETag hashing (an answer is never revalidated). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

/** The headers of a server-sent-event stream (no buffering by proxies). */
export function startEventStream(res: ServerResponse): void {
  res.statusCode = 200;
  res.setHeader('content-type', 'text/event-stream; charset=utf-8');
  res.setHeader('cache-control', 'no-cache');
  res.setHeader('connection', 'keep-alive');
  res.setHeader('x-accel-buffering', 'no');
}

/** Resolves when the response can take more (or is gone). */
export function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

/** The caller of an HTTP request: the key the auth check let in, the client's own x-request-id (access log). */
export function callerOf(req: object): Caller {
  const r = req as { auth?: { keyId?: number }; clientRequestId?: string };
  return { keyId: r.auth?.keyId, clientRequestId: r.clientRequestId };
}
