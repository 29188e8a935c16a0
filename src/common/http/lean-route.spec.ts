import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidInputError } from '../../errors';
import { installLeanRoutes, Layer, LeanRoute } from './lean-route';

type Next = (err?: unknown) => void;

describe('installLeanRoutes', () => {
  let server: Server;
  let base: string;
  const seen: string[] = [];

  async function start(route: LeanRoute): Promise<void> {
    server = createServer((req, res) => {
      seen.push(`framework ${req.method} ${req.url}`);
      res.end('framework');
    });
    installLeanRoutes(server, [route]);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  afterEach(async () => {
    seen.length = 0;
    await new Promise((r) => server.close(r));
  });

  const mark =
    (name: string): Layer =>
    (_req: IncomingMessage, _res: ServerResponse, next: Next) => {
      seen.push(name);
      next();
    };
  const route = (layers: Layer[]): LeanRoute => ({
    method: 'POST',
    path: '/v1/chat/completions',
    layers,
    handle: (req, res) => {
      seen.push(`handle ${req.path}`);
      res.end('lean');
      return Promise.resolve();
    },
  });

  it('serves the exact method and path (with a query) through its layers, and everything else through the framework', async () => {
    await start(route([mark('a'), mark('b')]));
    expect(await (await fetch(`${base}/v1/chat/completions`, { method: 'POST' })).text()).toBe('lean');
    expect(await (await fetch(`${base}/v1/chat/completions?x=1`, { method: 'POST' })).text()).toBe('lean');
    expect(seen).toEqual(['a', 'b', 'handle /v1/chat/completions', 'a', 'b', 'handle /v1/chat/completions']);
    seen.length = 0;
    for (const [method, path] of [
      ['GET', '/v1/chat/completions'],
      ['POST', '/V1/chat/completions'],
      ['POST', '/v1/chat/completions/'],
      ['POST', '/v1/chat/completionsx'],
    ])
      expect(await (await fetch(`${base}${path}`, { method })).text()).toBe('framework');
    expect(seen).toHaveLength(4);
    expect(seen.every((s) => s.startsWith('framework'))).toBe(true);
  });

  it('skips to the next error handler on an error (passed or thrown), which may answer', async () => {
    const refuse = (_e: unknown, _q: IncomingMessage, res: ServerResponse, _n: Next) => {
      seen.push('error handler');
      res.statusCode = 418;
      res.end('refused');
    };
    await start(
      route([
        mark('a'),
        () => {
          throw new Error('boom');
        },
        mark('skipped'),
        refuse,
      ]),
    );
    const res = await fetch(`${base}/v1/chat/completions`, { method: 'POST' });
    expect(res.status).toBe(418);
    expect(seen).toEqual(['a', 'error handler']);
  });

  it('answers an error no layer handled in the OpenAI error shape, without calling the handler', async () => {
    const fail: Layer = (_q: IncomingMessage, _r: ServerResponse, next: Next) =>
      next(new InvalidInputError('bad thing', { code: 'invalid_request', param: 'model' }));
    await start(route([fail, mark('skipped')]));
    const res = await fetch(`${base}/v1/chat/completions`, { method: 'POST' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: { message: 'bad thing', type: 'invalid_request_error', code: 'invalid_request', param: 'model' },
    });
    expect(seen).toEqual([]);
  });
});
