import type { Express } from 'express';
import { ApiKeysService } from '../src/auth/api-keys.service';
import { startTestGateway, TestGateway } from './helpers/test-gateway';

/**
 * POST /v1/chat/completions and /v1/messages are served by the raw node:http handler
 * (src/common/http/lean-route.ts), not express; any other spelling of the path still goes through express
 * and Nest. Both must answer alike: the same status, headers and body for every refusal (in each door's
 * error shape), and an answer with the same headers.
 */
describe('the lean chat paths', () => {
  let gw: TestGateway;
  let key: string;
  const viaExpress: string[] = [];

  beforeAll(async () => {
    gw = await startTestGateway((cfg) => {
      cfg.security.rateLimit.requestsPerMinute = 1000;
      cfg.security.chatBodyLimit = '2kb';
    });
    key = (await gw.app.get(ApiKeysService).create({ name: 'lean', scopes: ['route'] })).key;
    const app = gw.app.getHttpAdapter().getInstance() as Express & { handle: (...a: unknown[]) => void };
    const handle = app.handle.bind(app);
    app.handle = (...a: unknown[]) => {
      viaExpress.push((a[0] as { url: string }).url);
      handle(...a);
    };
  });
  afterAll(async () => {
    await gw.stop();
  });
  beforeEach(() => (viaExpress.length = 0));

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${gw.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
      body,
    });

  /** Status, body and headers except those that differ per request. */
  async function answer(res: Response): Promise<Record<string, unknown>> {
    const headers = Object.fromEntries(
      [...res.headers].filter(
        ([name]) => !['date', 'x-request-id', 'request-id', 'x-ratelimit-remaining'].includes(name),
      ),
    );
    return { status: res.status, headers, body: await res.text() };
  }

  /** The lean path's refusal (returned), the same as the one express gives another spelling of the path. */
  async function refusedAsByExpress(
    path: string,
    otherSpelling: string,
    body: string,
    headers: Record<string, string>,
  ) {
    const lean = await answer(await post(path, body, headers));
    expect(viaExpress).toEqual([]);
    const framework = await answer(await post(otherSpelling, body, headers));
    expect(viaExpress).toEqual([otherSpelling]);
    expect(lean.status).toBeGreaterThanOrEqual(400);
    expect(lean).toEqual(framework);
    return lean;
  }

  it('serves the route without express, with the gateway headers and a request id', async () => {
    const res = await post(
      '/v1/chat/completions',
      JSON.stringify({ model: 'fast', messages: [{ role: 'user', content: 'hi' }] }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('x-gateway-layer')).toBe('fast');
    expect(res.headers.get('x-request-id')).toBeTruthy();
    expect(res.headers.get('x-ratelimit-limit')).toBe('1000');
    expect(((await res.json()) as { object: string }).object).toBe('chat.completion');
    expect(viaExpress).toEqual([]);
    await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
    expect(viaExpress).toEqual(['/v1/models']);
  });

  it('serves the Anthropic Messages door without express too', async () => {
    const body = JSON.stringify({ model: 'fast', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });
    const res = await post('/v1/messages?beta=true', body);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-gateway-layer')).toBe('fast');
    expect(((await res.json()) as { type: string }).type).toBe('message');
    expect(viaExpress).toEqual([]);
  });

  it.each([
    ['no key', '{"messages":[{"role":"user","content":"hi"}]}', { authorization: '' }],
    ['an unknown key', '{"messages":[{"role":"user","content":"hi"}]}', { authorization: 'Bearer nope' }],
    ['malformed JSON', '{"messages":', {}],
    ['a JSON scalar', '42', {}],
    ['a body too large', JSON.stringify({ messages: [{ role: 'user', content: 'x'.repeat(3000) }] }), {}],
    ['text/plain', 'hello', { 'content-type': 'text/plain' }],
    ['an invalid field', '{"messages":[{"role":"user","content":"hi"}],"temperature":9}', {}],
    [
      'an image part that is not https',
      '{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"ftp://x"}}]}]}',
      {},
    ],
    ['an unknown model', '{"model":"nope","messages":[{"role":"user","content":"hi"}]}', {}],
  ])('answers %s exactly as express does', async (_what, body, headers) => {
    await refusedAsByExpress('/v1/chat/completions', '/v1/chat/Completions', body, headers);
  });

  const message = (extra: Record<string, unknown> = {}) =>
    JSON.stringify({ max_tokens: 16, messages: [{ role: 'user', content: 'hi' }], ...extra });
  it.each([
    ['no key', message({ model: 'fast' }), { authorization: '' }],
    ['malformed JSON', '{"messages":', {}],
    ['a body too large', message({ model: 'fast', system: 'x'.repeat(3000) }), {}],
    ['text/plain', 'hello', { 'content-type': 'text/plain' }],
    ['no max_tokens', JSON.stringify({ model: 'fast', messages: [{ role: 'user', content: 'hi' }] }), {}],
    ['an unknown model', message({ model: 'nope' }), {}],
  ])('answers %s on /v1/messages exactly as express does, in the Anthropic shape', async (_what, body, headers) => {
    const lean = await refusedAsByExpress('/v1/messages', '/v1/Messages', body, headers);
    expect(JSON.parse(lean.body as string)).toMatchObject({ type: 'error', error: { type: expect.any(String) } });
  });
});
