import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { estimateTokens } from '../../tokens';
import { anthropicDialect } from './anthropic';
import { replyFor, type Dialect, type FakeReply, type FakeUsage } from './dialect';
import { openaiDialect } from './openai';
import { fakeEmbeddings } from './embeddings';

export type { Dialect, FakeReply, FakeUsage } from './dialect';
export { openaiDialect } from './openai';
export { fakeEmbeddings, fakeVector } from './embeddings';
export { anthropicDialect } from './anthropic';

/** A failure the fake upstream plays for the next matching request(s). */
export type Fault =
  /** Wait before answering (normally) – for deadlines and aborts. */
  | { type: 'delay'; ms: number }
  /** Answer with this status and the dialect's error body. */
  | { type: 'status'; status: number; retryAfter?: string; message?: string }
  /** 200 with a body that is not JSON ('syntax', default) or JSON of the wrong shape ('shape'); streams get a broken event. */
  | { type: 'malformed'; variant?: 'syntax' | 'shape' }
  /** Destroy the connection before sending anything. */
  | { type: 'destroy' }
  /** Stream: send some events, then destroy the socket (or end the body cleanly when graceful). Default: half the events. */
  | { type: 'stream_cut'; afterEvents?: number; graceful?: boolean }
  /** Stream: send some events, then the dialect's in-band error event. */
  | { type: 'stream_error'; afterEvents?: number; message?: string }
  /** Stream: wait between events, and before ending the body. */
  | { type: 'slow_stream'; eventDelayMs: number };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Client port of the connection, so tests can see keep-alive reuse. */
  remotePort?: number;
  /** Parsed JSON body, or undefined when there was none. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- whatever the client sent; specs read its fields freely
  body: any;
  dialect?: Dialect['name'];
  /** The usage the fake reported for this request (chat requests only). */
  usage?: FakeUsage;
  fault?: Fault;
}

export interface FakeUpstreamOptions {
  models?: string[];
  reply?: FakeReply;
  lineEnding?: '\n' | '\r\n';
}

export interface FakeUpstream {
  /** http://127.0.0.1:PORT – OpenAI clients use `${url}/v1`, Anthropic clients use url. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  models: string[];
  reply: FakeReply;
  lineEnding: '\n' | '\r\n';
  /** Queues a fault for the next `times` requests (default 1) whose path contains `path` (default any). */
  fail(fault: Fault, opts?: { times?: number; path?: string }): void;
  /** Forgets recorded requests and queued faults, restores the default reply. */
  reset(): void;
  close(): Promise<void>;
}

export const DEFAULT_FAKE_MODELS = ['fake-small', 'fake-large'];
export const DEFAULT_FAKE_REPLY: FakeReply = {
  content: 'Hello from the fake upstream. This answer arrives in several pieces so that streaming can be checked.',
};

interface QueuedFault {
  fault: Fault;
  times: number;
  path?: string;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Resolves true after ms, or false as soon as the client goes away (so no timer outlives a test). */
function wait(ms: number, res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const onClose = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(true);
    }, ms);
    res.once('close', onClose);
  });
}

function write(res: ServerResponse, data: string): Promise<void> {
  return new Promise((resolve) => res.write(data, () => resolve()));
}

/** The fields of a chat request the fake reads (any of them may be missing or of another type). */
type ChatBody =
  | {
      model?: unknown;
      messages?: unknown;
      system?: unknown;
      stream?: unknown;
      stream_options?: { include_usage?: unknown };
    }
  | undefined;

function usageFor(body: ChatBody, reply: FakeReply): FakeUsage {
  const prompt =
    estimateTokens(JSON.stringify(body?.messages ?? [])) +
    estimateTokens(typeof body?.system === 'string' ? body.system : JSON.stringify(body?.system ?? ''));
  const args = (reply.toolCalls ?? []).reduce((n, c) => n + estimateTokens(c.function.arguments), 0);
  return { promptTokens: Math.max(1, prompt), completionTokens: Math.max(1, estimateTokens(reply.content) + args) };
}

function route(
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
): { dialect: Dialect; kind: 'models' | 'chat' | 'embeddings' } | undefined {
  if (method === 'GET' && path === '/v1/models')
    return { dialect: headers['anthropic-version'] ? anthropicDialect : openaiDialect, kind: 'models' };
  if (method === 'POST' && path === '/v1/chat/completions') return { dialect: openaiDialect, kind: 'chat' };
  if (method === 'POST' && path === '/v1/embeddings') return { dialect: openaiDialect, kind: 'embeddings' };
  if (method === 'POST' && path === '/v1/messages') return { dialect: anthropicDialect, kind: 'chat' };
  return undefined;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

class FakeUpstreamServer implements FakeUpstream {
  readonly requests: RecordedRequest[] = [];
  models: string[];
  reply: FakeReply;
  lineEnding: '\n' | '\r\n';
  url = '';
  private faults: QueuedFault[] = [];

  constructor(
    private readonly server: Server,
    private readonly defaults: FakeUpstreamOptions,
  ) {
    this.models = [...(defaults.models ?? DEFAULT_FAKE_MODELS)];
    this.reply = defaults.reply ?? DEFAULT_FAKE_REPLY;
    this.lineEnding = defaults.lineEnding ?? '\n';
    server.on('request', (req, res) => void this.handle(req, res).catch(() => res.destroy()));
  }

  fail(fault: Fault, opts: { times?: number; path?: string } = {}): void {
    this.faults.push({ fault, times: opts.times ?? 1, path: opts.path });
  }

  reset(): void {
    this.requests.length = 0;
    this.faults = [];
    this.reply = this.defaults.reply ?? DEFAULT_FAKE_REPLY;
    this.models = [...(this.defaults.models ?? DEFAULT_FAKE_MODELS)];
    this.lineEnding = this.defaults.lineEnding ?? '\n';
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private takeFault(path: string): Fault | undefined {
    const i = this.faults.findIndex((f) => !f.path || path.includes(f.path));
    if (i < 0) return undefined;
    const queued = this.faults[i];
    if (--queued.times <= 0) this.faults.splice(i, 1);
    return queued.fault;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = (req.url ?? '/').split('?')[0];
    let body: ChatBody;
    try {
      body = raw ? (JSON.parse(raw) as ChatBody) : undefined;
    } catch {
      return sendJson(res, 400, { error: { message: 'request body is not JSON' } });
    }
    const target = route(req.method ?? 'GET', path, req.headers);
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path,
      headers: req.headers,
      remotePort: req.socket.remotePort,
      body,
      dialect: target?.dialect.name,
    };
    this.requests.push(record);
    const fault = this.takeFault(path);
    record.fault = fault;
    if (!target) return sendJson(res, 404, { error: { message: `no route for ${req.method} ${path}` } });
    if (fault?.type === 'destroy') return void req.socket.destroy();
    if (fault?.type === 'delay' && !(await wait(fault.ms, res))) return;
    if (fault?.type === 'status') {
      const headers: Record<string, string> = fault.retryAfter !== undefined ? { 'retry-after': fault.retryAfter } : {};
      return sendJson(
        res,
        fault.status,
        target.dialect.errorBody(fault.status, fault.message ?? `fake failure ${fault.status}`),
        headers,
      );
    }
    if (target.kind === 'models') return sendJson(res, 200, target.dialect.models(this.models));
    if (target.kind === 'embeddings') {
      const answer = fakeEmbeddings(body);
      return answer
        ? sendJson(res, 200, answer)
        : sendJson(res, 400, target.dialect.errorBody(400, 'input must be text'));
    }
    const model = typeof body?.model === 'string' ? body.model : 'unknown';
    const reply = replyFor(this.reply, body);
    const usage = usageFor(body, reply);
    record.usage = usage;
    if (body?.stream) return this.stream(res, target.dialect, model, usage, reply, body, fault);
    if (fault?.type === 'malformed') {
      return sendJson(
        res,
        200,
        fault.variant === 'shape'
          ? { unexpected: 'shape', choices: 'none', content: 42 }
          : '{"id": "broken", "choices": [',
      );
    }
    sendJson(res, 200, target.dialect.json(reply, model, usage));
  }

  private async stream(
    res: ServerResponse,
    dialect: Dialect,
    model: string,
    usage: FakeUsage,
    reply: FakeReply,
    body: ChatBody,
    fault?: Fault,
  ): Promise<void> {
    const events = dialect.events(reply, model, usage, Boolean(body?.stream_options?.include_usage));
    const cutAt =
      fault?.type === 'stream_cut' || fault?.type === 'stream_error'
        ? (fault.afterEvents ?? Math.floor(events.length / 2))
        : -1;
    const gap = fault?.type === 'slow_stream' ? fault.eventDelayMs : 0;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    for (let i = 0; i < events.length; i++) {
      if (i === cutAt && fault?.type === 'stream_error') {
        await write(res, this.eol(dialect.streamError(fault.message ?? 'fake upstream failed mid-stream')));
        return void res.end();
      }
      if (i === cutAt && fault?.type === 'stream_cut')
        return fault.graceful ? void res.end() : void res.socket?.destroy();
      if (fault?.type === 'malformed' && i === 2) {
        await write(res, this.eol('data: {"choices": [{"delta": {"content": "oops\n\n'));
        return void res.end();
      }
      if (gap && i > 0 && !(await wait(gap, res))) return;
      await write(res, this.eol(events[i]));
    }
    if (gap && !(await wait(gap, res))) return;
    res.end();
  }

  private eol(text: string): string {
    return this.lineEnding === '\n' ? text : text.replace(/\n/g, this.lineEnding);
  }
}

/** Starts the fake upstream on 127.0.0.1 and a random free port. */
export async function startFakeUpstream(options: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  const server = createServer({ keepAliveTimeout: 5000 });
  const fake = new FakeUpstreamServer(server, options);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

/** A loopback URL on which nothing listens (for "connection refused" checks). */
export async function unusedLocalUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
