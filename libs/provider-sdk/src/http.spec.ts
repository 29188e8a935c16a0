import { request as undiciRequest } from 'undici';
import { startFakeUpstream, type FakeUpstream } from './testing';
import { HttpUpstream, statusError, upstreamErrorMessage } from './http';

const call = (timeoutMs = 5000) => ({ signal: new AbortController().signal, timeoutMs });

describe('HttpUpstream', () => {
  let upstream: FakeUpstream;
  let http: HttpUpstream;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
  });
  beforeEach(() => {
    upstream.reset();
    http = new HttpUpstream({ baseUrl: `${upstream.url}/v1`, headers: { 'x-key': 'k' }, name: 'test' });
  });
  afterEach(() => http.close());
  afterAll(() => upstream.close());

  it('prefixes the base path, sends JSON with its headers and parses the answer', async () => {
    const body = await http.json<{ choices: unknown[] }>(
      { method: 'POST', path: '/chat/completions', body: { model: 'm', messages: [] } },
      call(),
    );
    expect(body.choices).toHaveLength(1);
    expect(upstream.requests[0]).toMatchObject({ path: '/v1/chat/completions', body: { model: 'm', messages: [] } });
    expect(upstream.requests[0].headers).toMatchObject({ 'x-key': 'k', 'content-type': 'application/json' });
  });

  it('names the upstream error message and status, and honours Retry-After', async () => {
    upstream.fail({ type: 'status', status: 429, retryAfter: '7', message: 'slow down' });
    const err = await http.json({ method: 'GET', path: '/models' }, call()).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'rate_limited', status: 429, retryAfterMs: 7000 });
    expect((err as Error).message).toContain('slow down');
  });

  it('prefers retry-after-ms over retry-after', () => {
    expect(statusError('x', 429, '', { 'retry-after-ms': '250', 'retry-after': '9' }).retryAfterMs).toBe(250);
    expect(upstreamErrorMessage('{"error":{"message":"bad key"}}')).toBe('bad key');
    expect(upstreamErrorMessage('<html>gateway</html>')).toBe('<html>gateway</html>');
  });

  it('refuses a stream answered with something other than text/event-stream', async () => {
    const events = http.sse({ method: 'POST', path: '/chat/completions', body: { model: 'm', messages: [] } }, call());
    await expect(
      (async () => {
        for await (const _ of events) void _;
      })(),
    ).rejects.toMatchObject({ kind: 'malformed_response' });
  });

  it('yields the events of a stream', async () => {
    const data: string[] = [];
    for await (const ev of http.sse(
      { method: 'POST', path: '/chat/completions', body: { model: 'm', messages: [], stream: true } },
      call(),
    ))
      data.push(ev.data);
    expect(data[data.length - 1]).toBe('[DONE]');
    expect(data.length).toBeGreaterThan(3);
  });

  it('keeps the connection when a reader stops at the terminator', async () => {
    // The body ends a little after [DONE], as it does over real networks.
    upstream.fail({ type: 'slow_stream', eventDelayMs: 5 }, { times: 6 });
    for (let i = 0; i < 6; i++) {
      for await (const ev of http.sse(
        { method: 'POST', path: '/chat/completions', body: { model: 'm', messages: [], stream: true } },
        call(),
      )) {
        if (ev.done) break;
      }
    }
    expect(new Set(upstream.requests.map((r) => r.remotePort)).size).toBeLessThanOrEqual(2);
  });

  it('rejects a baseUrl that is not http(s)', () => {
    expect(() => new HttpUpstream({ baseUrl: 'file:///etc', name: 'x' })).toThrow(/http/);
  });
});

describe('fake upstream', () => {
  let upstream: FakeUpstream;
  beforeAll(async () => {
    upstream = await startFakeUpstream({ models: ['a'] });
  });
  afterAll(() => upstream.close());
  beforeEach(() => upstream.reset());

  const get = (path: string, headers: Record<string, string> = {}) =>
    undiciRequest(`${upstream.url}${path}`, { headers });

  it('plays a fault once, for the matching path only', async () => {
    upstream.fail({ type: 'status', status: 503 }, { path: '/v1/messages' });
    expect((await get('/v1/models')).statusCode).toBe(200);
    const res = await undiciRequest(`${upstream.url}/v1/messages`, {
      method: 'POST',
      body: '{"model":"a","messages":[]}',
    });
    expect(res.statusCode).toBe(503);
    expect(await res.body.json()).toMatchObject({ type: 'error', error: { type: 'api_error' } });
    const again = await undiciRequest(`${upstream.url}/v1/messages`, {
      method: 'POST',
      body: '{"model":"a","messages":[]}',
    });
    expect(again.statusCode).toBe(200);
    expect(upstream.requests.map((r) => r.fault?.type)).toEqual([undefined, 'status', undefined]);
  });

  it('lists models in the dialect the client speaks', async () => {
    expect(await (await get('/v1/models')).body.json()).toMatchObject({
      object: 'list',
      data: [{ id: 'a', object: 'model' }],
    });
    expect(await (await get('/v1/models', { 'anthropic-version': '2023-06-01' })).body.json()).toMatchObject({
      data: [{ id: 'a', type: 'model' }],
      has_more: false,
    });
  });

  it('answers unknown routes with 404', async () => {
    const res = await get('/nothing');
    expect(res.statusCode).toBe(404);
    await res.body.text();
  });
});
