import { Pool, type Dispatcher } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';
import { startDeadline, toProviderError } from './abort';
import { ProviderError, errorFromStatus } from './errors';
import { parseSSE, type SSEEvent } from './sse';
import type { CallOptions } from './types';

export interface HttpUpstreamOptions {
  /** Base URL; its path (e.g. /v1) prefixes every request path, its query string is appended to each. */
  baseUrl: string;
  /** Sent with every request (auth headers go here; they are never logged or put in errors). */
  headers?: Record<string, string>;
  /** Keep-alive connections to the origin. Default 64. */
  maxConnections?: number;
  /** Prefix of error messages, usually the provider id. */
  name: string;
  /** Values (API keys) blanked out of error messages, should an upstream echo them back. */
  secrets?: string[];
}

export interface HttpRequestSpec {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
}

type Headers = IncomingHttpHeaders | Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Pulls a readable message out of an upstream error body (OpenAI and Anthropic both use error.message). */
export function upstreamErrorMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    if (typeof body.error === 'string') return body.error;
    if (typeof body.error?.message === 'string') return body.error.message;
    if (typeof body.message === 'string') return body.message;
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.slice(0, 300) || 'no error body';
}

/** Maps a non-2xx answer, preferring the millisecond Retry-After variant some upstreams send. */
export function statusError(
  name: string,
  status: number,
  text: string,
  headers: Headers,
  secrets: string[] = [],
): ProviderError {
  const ms = Number(header(headers, 'retry-after-ms'));
  const retryAfter = Number.isFinite(ms) && ms >= 0 ? String(ms / 1000) : header(headers, 'retry-after');
  let message = upstreamErrorMessage(text);
  for (const secret of secrets) if (secret) message = message.split(secret).join('[redacted]');
  return errorFromStatus(status, `${name}: upstream answered ${status}: ${message}`, retryAfter);
}

/** Bytes and time we spend draining an abandoned body so that its connection can be reused. */
const DRAIN_LIMIT_BYTES = 64 * 1024;
const DRAIN_LIMIT_MS = 1000;

/**
 * Frees a response body the reader stopped consuming. Most streams end right after their last
 * event, so a short bounded drain keeps the keep-alive connection; otherwise undici drops it.
 */
function release(body: Dispatcher.ResponseData['body']): void {
  if (body.destroyed || body.readableEnded) return;
  // A plain timer rather than AbortSignal.timeout, which costs every stream a WeakRef, a FinalizationRegistry
  // entry and a V8 hidden class of its own (Node 20), kept in old space until a full GC.
  const timer = setTimeout(() => body.destroy(), DRAIN_LIMIT_MS).unref();
  body
    .dump({ limit: DRAIN_LIMIT_BYTES })
    .catch(() => body.destroy())
    .finally(() => clearTimeout(timer));
}

/**
 * One keep-alive undici Pool per configured provider, with the deadline and error mapping every
 * HTTP plugin needs. Plugins build bodies and read results; transport concerns live here.
 */
export class HttpUpstream {
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly baseQuery: string;
  private closed = false;

  constructor(private readonly opts: HttpUpstreamOptions) {
    const url = new URL(opts.baseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new Error(`baseUrl must be http(s): ${opts.baseUrl}`);
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.baseQuery = url.search.slice(1);
    this.pool = new Pool(url.origin, { connections: opts.maxConnections ?? 64, pipelining: 1 });
  }

  private path(path: string): string {
    const full = this.basePath + path;
    if (!this.baseQuery) return full;
    return full + (full.includes('?') ? '&' : '?') + this.baseQuery;
  }

  /** The request headers per (accept, has body), built once: undici only reads them. */
  private readonly headerSets = new Map<string, Record<string, string>>();

  private headersFor(accept: string, hasBody: boolean): Record<string, string> {
    const key = hasBody ? `b ${accept}` : accept;
    let headers = this.headerSets.get(key);
    if (!headers) {
      headers = { accept, ...this.opts.headers };
      if (hasBody) headers['content-type'] = 'application/json';
      this.headerSets.set(key, headers);
    }
    return headers;
  }

  private async send(spec: HttpRequestSpec, signal: AbortSignal, accept: string) {
    if (this.closed) throw new ProviderError('connection', `${this.opts.name}: provider is closed`);
    const headers = this.headersFor(accept, spec.body !== undefined);
    return this.pool.request({
      path: this.path(spec.path),
      method: spec.method,
      headers,
      body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
      signal,
    });
  }

  /** Sends a request and returns the parsed JSON body; every failure is a ProviderError. */
  async json<T = unknown>(spec: HttpRequestSpec, call: CallOptions): Promise<T> {
    const what = `${this.opts.name} ${spec.method} ${spec.path}`;
    const deadline = startDeadline(call, what);
    try {
      const res = await this.send(spec, deadline.signal, 'application/json');
      const text = await res.body.text();
      if (res.statusCode < 200 || res.statusCode >= 300)
        throw statusError(this.opts.name, res.statusCode, text, res.headers, this.opts.secrets);
      try {
        return JSON.parse(text) as T;
      } catch (err) {
        throw new ProviderError('malformed_response', `${what}: response is not valid JSON: ${text.slice(0, 200)}`, {
          cause: err,
        });
      }
    } catch (err) {
      throw toProviderError(err, { signal: deadline.signal, what });
    } finally {
      deadline.dispose();
    }
  }

  /**
   * Sends a request and yields its server-sent events. The deadline covers the whole stream;
   * leaving the loop early releases the connection.
   */
  async *sse(spec: HttpRequestSpec, call: CallOptions): AsyncGenerator<SSEEvent> {
    const what = `${this.opts.name} ${spec.method} ${spec.path} (stream)`;
    const deadline = startDeadline(call, what);
    let body: Dispatcher.ResponseData['body'] | undefined;
    try {
      const res = await this.send(spec, deadline.signal, 'text/event-stream');
      body = res.body;
      if (res.statusCode < 200 || res.statusCode >= 300) {
        throw statusError(this.opts.name, res.statusCode, await res.body.text(), res.headers, this.opts.secrets);
      }
      const type = header(res.headers, 'content-type') ?? '';
      if (!type.includes('text/event-stream')) {
        const text = await res.body.text();
        throw new ProviderError(
          'malformed_response',
          `${what}: expected text/event-stream, got ${type || 'no content type'}: ${text.slice(0, 200)}`,
        );
      }
      yield* parseSSE(res.body, { destroyOnReturn: false });
    } catch (err) {
      throw toProviderError(err, { signal: deadline.signal, what });
    } finally {
      deadline.dispose();
      if (body) release(body);
    }
  }

  /** Closes the pool; in-flight requests get a short grace period before their sockets are destroyed. */
  async close(graceMs = 2000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const timer = setTimeout(() => void this.pool.destroy().catch(() => undefined), graceMs);
    try {
      await this.pool.close();
    } catch {
      // destroyed by the grace timer: nothing left to release
    } finally {
      clearTimeout(timer);
    }
  }
}
