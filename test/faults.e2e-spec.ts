import OpenAI from 'openai';
import request from 'supertest';
import { startFakeUpstream, unusedLocalUrl, type FakeUpstream } from '@ai-mcp-gateway/provider-sdk/testing';
import { RecorderService } from '../src/recording/recorder.service';
import { ExecutorService } from '../src/routing/executor.service';
import { upstreamConfig } from './helpers/fake-gateway';
import { startTestGateway, TestGateway } from './helpers/test-gateway';

const ASK = { messages: [{ role: 'user', content: 'hello' }] };

describe('fault suite against a local fake upstream', () => {
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  let fake: FakeUpstream;
  let gw: TestGateway;
  let recorder: RecorderService;

  const chats = () => fake.requests.filter((r) => r.path === '/v1/chat/completions').length;
  const post = (body: Record<string, unknown>) =>
    request(gw.url)
      .post('/v1/chat/completions')
      .send({ ...ASK, ...body });
  const rows = <T>(sql: string) => gw.db.fork().getConnection().execute<T[]>(sql);

  beforeAll(async () => {
    process.on('unhandledRejection', onRejection);
    fake = await startFakeUpstream();
    const deadUrl = await unusedLocalUrl();
    gw = await startTestGateway((cfg) => {
      upstreamConfig(cfg, fake.url, { deadUrl });
      // Only explicit flush() calls write (and update the policy's snapshot): the candidate order stays predictable.
      cfg.recording.flushIntervalMs = 600000;
      cfg.layers.fast.timeoutMs = 300;
      cfg.layers.balanced.timeoutMs = 300;
      cfg.routing = {
        ...cfg.routing,
        maxRetries: 1,
        backoffBaseMs: 10,
        backoffMaxMs: 40,
        deadlineMs: 5000,
        escalate: true,
        breaker: { failureThreshold: 5, cooldownMs: 60000 },
      };
    });
    recorder = gw.app.get(RecorderService);
  });
  afterAll(async () => {
    await gw.stop();
    await fake.close();
    process.off('unhandledRejection', onRejection);
  });
  beforeEach(() => {
    fake.reset();
    gw.app.get(ExecutorService).breakers.reset();
  });

  it('500 once: retried on the same model, answered', async () => {
    fake.fail({ type: 'status', status: 500 });
    const res = await post({ model: 'fake-small' }).expect(200);
    expect(res.headers['x-gateway-model']).toBe('fake-small');
    expect(chats()).toBe(2);
  });

  it('429 with Retry-After: waits at least that long, then answers', async () => {
    fake.fail({ type: 'status', status: 429, retryAfter: '0.3' });
    const started = Date.now();
    await post({ model: 'fake-small' }).expect(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(chats()).toBe(2);
  });

  it('timeout: the slow attempt is aborted at the layer timeout and retried', async () => {
    fake.fail({ type: 'delay', ms: 2000 });
    const started = Date.now();
    await post({ model: 'fake-small' }).expect(200);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(chats()).toBe(2);
  });

  it('malformed JSON: never passed on, retried', async () => {
    fake.fail({ type: 'malformed' });
    const res = await post({ model: 'fake-small' }).expect(200);
    expect(res.body.choices[0].message.content).toBe(fake.reply.content);
  });

  it('connection refused: retried, then falls back to the next candidate of the layer', async () => {
    const res = await post({ model: 'balanced' }).expect(200);
    expect(res.headers['x-gateway-model']).toBe('fake-large');
    expect(chats()).toBe(1);
    await recorder.flush();
    const [row] = await rows<{ attempts: number; model: string }>(
      `select attempts, model from request_log where id = '${res.headers['x-request-id']}'`,
    );
    expect(row).toEqual({ attempts: 3, model: 'fake-large' });
  });

  it('auto escalates fast -> balanced when the fast layer fails', async () => {
    fake.fail({ type: 'status', status: 503 }, { times: 2 });
    const res = await post({ model: 'fast' }).expect(200);
    expect(res.headers['x-gateway-layer']).toBe('balanced');
  });

  it('every attempt failing gives a 502 in OpenAI error shape', async () => {
    fake.fail({ type: 'status', status: 500 }, { times: 10 });
    const res = await post({ model: 'fake-small' }).expect(502);
    expect(res.body.error).toMatchObject({ type: 'server_error', code: 'upstream_error' });
    expect(chats()).toBe(2);
  });

  it('every attempt timing out gives a 504', async () => {
    fake.fail({ type: 'delay', ms: 2000 }, { times: 10 });
    const res = await post({ model: 'fake-small' }).expect(504);
    expect(res.body.error.code).toBe('upstream_timeout');
  });

  it('a stream that fails before its first chunk is retried transparently', async () => {
    fake.fail({ type: 'status', status: 500 });
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'x', maxRetries: 0 });
    let text = '';
    for await (const c of (await client.chat.completions.create({
      model: 'fake-small',
      ...ASK,
      stream: true,
    } as never)) as unknown as AsyncIterable<OpenAI.ChatCompletionChunk>)
      text += c.choices[0]?.delta?.content ?? '';
    expect(text).toBe(fake.reply.content);
  });

  it('a stream cut in the middle ends with one clean SSE error event and no [DONE]', async () => {
    fake.fail({ type: 'stream_cut', afterEvents: 3 });
    const res = await post({ model: 'fake-small', stream: true })
      .buffer(true)
      .parse((r, cb) => {
        let body = '';
        r.on('data', (c: Buffer) => (body += c.toString()));
        r.on('end', () => cb(null, body));
      });
    expect(res.status).toBe(200);
    const events = (res.body as string).split('\n').filter((l) => l.startsWith('data: '));
    expect(events).not.toContain('data: [DONE]');
    const last = JSON.parse(events[events.length - 1].slice(6));
    expect(last.error).toMatchObject({ type: 'server_error', message: expect.any(String) });
    expect(events.length).toBeGreaterThan(1);
    // The official client surfaces it as an error while iterating.
    fake.fail({ type: 'stream_cut', afterEvents: 3 });
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'x', maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: 'fake-small',
      messages: [{ role: 'user', content: 'hello' }],
      stream: true,
    });
    await expect(
      (async () => {
        for await (const _ of stream) void _;
      })(),
    ).rejects.toThrow();
  });

  it('the breaker opens after repeated failures: 503 for that model, skipped as a fallback candidate', async () => {
    // dead-balanced fails twice per request (one retry); the fifth failure, in the third request, opens it.
    for (let i = 0; i < 3; i++) await post({ model: 'dead-balanced' }).expect(502);
    const executor = gw.app.get(ExecutorService);
    expect(executor.breakers.snapshot()['dead-balanced']).toBe('open');
    const open = await post({ model: 'dead-balanced' }).expect(503);
    expect(open.body.error).toMatchObject({ code: 'circuit_open', type: 'service_unavailable' });
    const res = await post({ model: 'balanced' }).expect(200);
    expect(res.headers['x-gateway-model']).toBe('fake-large');
    await recorder.flush();
    const [last] = await rows<{ attempts: number }>(
      `select attempts from request_log where id = '${res.headers['x-request-id']}'`,
    );
    expect(Number(last.attempts)).toBe(1);
  });

  it('records every fault as a bug pattern, one regression test per new fingerprint, redacted', async () => {
    await recorder.flush();
    const bugs = await rows<{ category: string; occurrences: number; fingerprint: string }>(
      'select category, occurrences, fingerprint from bug_patterns',
    );
    const categories = new Set(bugs.map((b) => b.category));
    for (const c of [
      'provider:upstream',
      'provider:rate_limited',
      'provider:timeout',
      'provider:malformed_response',
      'provider:connection',
      'routing:upstream_error',
      'routing:upstream_timeout',
      'routing:stream_interrupted',
    ]) {
      expect(categories).toContain(c);
    }
    const tests = await rows<{
      test_name: string;
      category: string;
      discovered_from: string;
      replay: { body: { messages: Array<{ content: unknown }> } };
      metadata: { fingerprint: string };
    }>('select * from regression_tests');
    expect(tests).toHaveLength(bugs.length);
    expect(new Set(tests.map((t) => t.metadata.fingerprint))).toEqual(new Set(bugs.map((b) => b.fingerprint)));
    for (const t of tests) {
      expect(t).toMatchObject({ category: 'routing', discovered_from: 'bug' });
      expect(t.replay.body.messages[0].content).toBe('[redacted: 5 chars]');
      expect(JSON.stringify(t.replay)).not.toMatch(/hello/);
    }
    // The same fault again counts an occurrence and creates no new test.
    const upstream = bugs.find((b) => b.category === 'provider:upstream' && Number(b.occurrences) > 0)!;
    fake.fail({ type: 'status', status: 500 });
    await post({ model: 'fake-small' }).expect(200);
    await recorder.flush();
    const [again] = await rows<{ occurrences: number }>(
      `select occurrences from bug_patterns where fingerprint = '${upstream.fingerprint}'`,
    );
    expect(Number(again.occurrences)).toBe(Number(upstream.occurrences) + 1);
    expect(await rows('select id from regression_tests')).toHaveLength(tests.length);
  });

  it('the process survived: health answers, no unhandled rejection', async () => {
    await request(gw.url).get('/health').expect(200);
    expect(rejections).toEqual([]);
  });
});
