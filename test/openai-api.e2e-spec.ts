import OpenAI from 'openai';
import request from 'supertest';
import { startTestGateway, TestGateway } from './helpers/test-gateway';
import { RecorderService } from '../src/recording/recorder.service';

describe('OpenAI-compatible API on the default (simulated) config', () => {
  let gw: TestGateway;
  let client: OpenAI;
  beforeAll(async () => {
    gw = await startTestGateway();
    client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'x', maxRetries: 0 });
  });
  afterAll(async () => {
    await gw.stop();
  });

  it('the official openai client gets a completion, with usage and the gateway headers', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'auto', messages: [{ role: 'user', content: 'Hello there, how are you today?' }] })
      .withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.choices[0].message.role).toBe('assistant');
    expect(typeof data.choices[0].message.content).toBe('string');
    expect(data.choices[0].message.content!.length).toBeGreaterThan(0);
    expect(data.usage!.total_tokens).toBe(data.usage!.prompt_tokens + data.usage!.completion_tokens);
    expect(['sim-fast', 'sim-balanced', 'sim-deep']).toContain(data.model);
    expect(response.headers.get('x-gateway-model')).toBe(data.model);
    expect(response.headers.get('x-gateway-layer')).toMatch(/^(fast|balanced|deep)$/);
    expect(response.headers.get('x-request-id')).toBeTruthy();
  });

  it('the official openai client reads a stream to the end, with usage when asked', async () => {
    const stream = await client.chat.completions.create({
      model: 'auto',
      messages: [{ role: 'user', content: 'Write a short poem about the sea' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      expect(chunk.object).toBe('chat.completion.chunk');
      if (chunk.choices[0]?.delta?.content) text += chunk.choices[0].delta.content;
      if (chunk.choices[0]?.finish_reason) finish = chunk.choices[0].finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(finish).toBe('stop');
    expect(usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('raw SSE ends with data: [DONE]', async () => {
    const res = await request(gw.url)
      .post('/v1/chat/completions')
      .send({ model: 'fast', stream: true, messages: [{ role: 'user', content: 'hi' }] })
      .buffer(true)
      .parse((r, cb) => {
        let body = '';
        r.on('data', (c: Buffer) => (body += c.toString()));
        r.on('end', () => cb(null, body));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/event-stream/);
    const lines = (res.body as string).split('\n').filter((l) => l.startsWith('data: '));
    expect(lines[lines.length - 1]).toBe('data: [DONE]');
    expect(JSON.parse(lines[0].slice(6)).choices[0].delta.role).toBe('assistant');
  });

  it('accepts a layer name and a concrete model id', async () => {
    const byLayer = await request(gw.url)
      .post('/v1/chat/completions')
      .send({ model: 'deep', messages: [{ role: 'user', content: 'hi' }] })
      .expect(200);
    expect(byLayer.headers['x-gateway-layer']).toBe('deep');
    const byId = await request(gw.url)
      .post('/v1/chat/completions')
      .send({ model: 'sim-balanced', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] })
      .expect(200);
    expect(byId.body.model).toBe('sim-balanced');
    expect(byId.headers['x-gateway-model']).toBe('sim-balanced');
  });

  it('GET /v1/models lists the catalogue, the layers and auto', async () => {
    const page = await client.models.list();
    const ids = page.data.map((m) => m.id);
    expect(ids).toEqual(
      expect.arrayContaining(['auto', 'fast', 'balanced', 'deep', 'sim-fast', 'sim-balanced', 'sim-deep']),
    );
    expect(page.data.find((m) => m.id === 'sim-fast')).toMatchObject({ object: 'model', owned_by: 'sim' });
  });

  it.each([
    [{ messages: [] }, 'messages'],
    [{ messages: [{ role: 'wizard', content: 'x' }] }, 'messages[0]'],
    [{ messages: [{ role: 'user', content: 'x' }], temperature: 3 }, 'temperature'],
    [{ messages: [{ role: 'user', content: 'x' }], max_tokens: 0 }, 'max_tokens'],
    [{ messages: [{ role: 'user', content: 42 }] }, 'messages[0]'],
    [{ model: 'auto' }, 'messages'],
  ])('400 in OpenAI error shape naming the field for %j', async (body, param) => {
    const res = await request(gw.url).post('/v1/chat/completions').send(body).expect(400);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error' });
    expect(res.body.error.param).toContain(param);
    expect(res.body.error.message).toContain(param);
  });

  it('404 for an unknown model, in OpenAI error shape (the client raises NotFoundError)', async () => {
    await expect(
      client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    const res = await request(gw.url)
      .post('/v1/chat/completions')
      .send({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] })
      .expect(404);
    expect(res.body.error).toMatchObject({ code: 'model_not_found', param: 'model', type: 'invalid_request_error' });
  });

  it('the route and list_models tools answer over REST', async () => {
    const routed = await request(gw.url)
      .post('/tools/route')
      .send({ prompt: 'Write a python function that reverses a list' })
      .expect(200);
    expect(routed.body.answer).toEqual(expect.any(String));
    expect(routed.body.decision).toMatchObject({ taskType: 'coding', attempts: 1 });
    expect(routed.body.decision.cost).toBeGreaterThan(0);
    const models = await request(gw.url).get('/tools/list_models').expect(200);
    expect(models.body.models.map((m: { id: string }) => m.id)).toEqual(['sim-fast', 'sim-balanced', 'sim-deep']);
    expect(models.body.providers).toEqual([
      {
        id: 'sim',
        plugin: 'simulated',
        state: 'ready',
        ready: true,
        apiKey: 'none',
        lastProbe: { at: expect.any(String), ok: true, detail: '3 simulated models', latencyMs: expect.any(Number) },
        reasons: [],
      },
    ]);
  });

  it('records every request after flush()', async () => {
    const recorder = gw.app.get(RecorderService);
    await recorder.flush();
    const rows = await gw.db
      .fork()
      .getConnection()
      .execute<{ n: string }[]>('select count(*)::int as n from request_log');
    expect(Number(rows[0].n)).toBeGreaterThanOrEqual(6);
    const perf = await gw.db
      .fork()
      .getConnection()
      .execute<{ total: string }[]>('select sum(total_calls)::int as total from model_performance');
    expect(Number(perf[0].total)).toBeGreaterThanOrEqual(6);
  });
});
