/**
 * A minimal OpenAI-style upstream for the overhead benchmark, run as its own process
 * (`node dist/bench/fake-upstream.js [port]`): answers POST /v1/chat/completions at once with a fixed
 * small completion (usage included; an event stream when the body says `"stream":true`) over keep-alive connections, and GET /v1/models with the
 * benchmark's models. It records nothing, so it stays as cheap at request 1,000,000 as at request 1.
 * Prints `fake upstream listening on http://127.0.0.1:PORT` once ready.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const BENCH_MODELS = ['bench-fast', 'bench-balanced', 'bench-deep'] as const;

const COMPLETION = Buffer.from(
  JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'bench-fast',
    choices: [
      { index: 0, message: { role: 'assistant', content: 'Hello! How can I help you today?' }, finish_reason: 'stop' },
    ],
    usage: { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 },
  }),
);
const MODELS = Buffer.from(
  JSON.stringify({
    object: 'list',
    data: BENCH_MODELS.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'bench' })),
  }),
);
const NOT_FOUND = Buffer.from(
  JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error', code: 'not_found' } }),
);

const chunk = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  `data: ${JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: 'bench-fast',
    choices: [{ index: 0, delta, finish_reason: null }],
    ...extra,
  })}\n\n`;

/** The same answer as an event stream: role, two content deltas, finish with usage, [DONE]. */
const STREAM = [
  chunk({ role: 'assistant', content: '' }),
  chunk({ content: 'Hello! How can I ' }),
  chunk({ content: 'help you today?' }),
  `data: ${JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: 'bench-fast',
    choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
    usage: { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 },
  })}\n\n`,
  'data: [DONE]\n\n',
].map((s) => Buffer.from(s));

function sendStream(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const part of STREAM) res.write(part);
  res.end();
}

export function startFakeUpstream(port = 0): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    // Read the request body (a real server does), then answer; `"stream":true` gets an event stream.
    let stream = false;
    req.on('data', (d: Buffer) => (stream ||= d.includes('"stream":true')));
    req.on('end', () => {
      let body = NOT_FOUND;
      let status = 404;
      if (req.method === 'POST' && req.url === '/v1/chat/completions') {
        if (stream) return sendStream(res);
        body = COMPLETION;
        status = 200;
      } else if (req.method === 'GET' && req.url === '/v1/models') {
        body = MODELS;
        status = 200;
      }
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': body.length });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve({
        url,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    });
  });
}

if (require.main === module) {
  void startFakeUpstream(Number(process.argv[2] ?? 0)).then(({ url, close }) => {
    process.stdout.write(`fake upstream listening on ${url}\n`);
    const stop = () => void close().then(() => process.exit(0));
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
