/**
 * The floor of the overhead benchmark: the least a Node proxy can do, run as its own process
 * (`node dist/bench/bare-proxy.js UPSTREAM_URL [port]`). node:http in front of an undici Pool (keep-alive,
 * as the gateway's openai-compatible plugin has it): it reads the body, sends it upstream, and streams
 * the answer back, status and content-type included. No auth, no validation, no routing, no recording.
 * Prints `bare proxy listening on http://127.0.0.1:PORT` once ready.
 */
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function forward(pool: Pool, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  const upstream = await pool.request({
    path: req.url ?? '/',
    method: req.method ?? 'GET',
    headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
    body,
  });
  const type = upstream.headers['content-type'];
  res.writeHead(upstream.statusCode, type ? { 'content-type': type } : {});
  for await (const chunk of upstream.body) res.write(chunk);
  res.end();
}

export function startBareProxy(upstreamUrl: string, port = 0): Promise<{ url: string; close: () => void }> {
  const pool = new Pool(upstreamUrl, { connections: 128, keepAliveTimeout: 60_000 });
  const server = createServer((req, res) => {
    forward(pool, req, res).catch((err: Error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: err.message } }));
    });
  });
  server.keepAliveTimeout = 65_000;
  return new Promise((resolve) =>
    server.listen(port, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => {
          server.closeAllConnections();
          server.close();
          void pool.close();
        },
      }),
    ),
  );
}

if (require.main === module) {
  const upstream = process.argv[2];
  if (!upstream) {
    process.stderr.write('usage: node dist/bench/bare-proxy.js UPSTREAM_URL [port]\n');
    process.exit(2);
  }
  void startBareProxy(upstream, Number(process.argv[3] ?? 0)).then(({ url, close }) => {
    process.stdout.write(`bare proxy listening on ${url}\n`);
    const stop = () => {
      close();
      process.exit(0);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
