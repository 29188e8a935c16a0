import Anthropic from '@anthropic-ai/sdk';
import request from 'supertest';
import { ApiKeysService } from '../src/auth/api-keys.service';
import { RecorderService } from '../src/recording/recorder.service';
import { startTestGateway, TestGateway } from './helpers/test-gateway';

/** A 1 x 1 PNG. */
const PIXEL = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const WEATHER: Anthropic.Tool = {
  name: 'get_weather',
  description: 'The current weather in a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

/** Anthropic's error body. */
interface ErrorBody {
  type: string;
  error: { type: string; message: string };
}

const errorOf = (res: { body: unknown }) => res.body as ErrorBody;

async function rows(gw: TestGateway, sql: string, params: unknown[] = []): Promise<Array<Record<string, unknown>>> {
  return gw.db.fork().getConnection().execute(sql, params);
}

describe('the Anthropic Messages API on the default (simulated) config, with the official @anthropic-ai/sdk', () => {
  let gw: TestGateway;
  let client: Anthropic;
  beforeAll(async () => {
    gw = await startTestGateway();
    client = new Anthropic({ baseURL: gw.url, apiKey: 'x', maxRetries: 0 });
  });
  afterAll(() => gw.stop());

  it('answers a multi-turn conversation with a system prompt; a Claude model name is routed by its alias', async () => {
    const { data, response } = await client.messages
      .create({
        model: 'claude-sonnet-4-5-20250929',
        max_tokens: 300,
        system: [{ type: 'text', text: 'You are terse.' }],
        messages: [
          { role: 'user', content: 'Hello there' },
          { role: 'assistant', content: 'Hi! How can I help?' },
          { role: 'user', content: [{ type: 'text', text: 'Tell me about the sea' }] },
        ],
        metadata: { user_id: 'user-42' },
      })
      .withResponse();
    expect(data).toMatchObject({ type: 'message', role: 'assistant', model: 'sim-balanced', stop_reason: 'end_turn' });
    expect(data.content[0].type).toBe('text');
    expect((data.content[0] as Anthropic.TextBlock).text).toContain('Tell me about the sea');
    expect(data.usage.input_tokens).toBeGreaterThan(0);
    expect(data.usage.output_tokens).toBeGreaterThan(0);
    const requestId = response.headers.get('x-request-id');
    expect(data.id).toBe(`msg_${requestId}`);
    expect(response.headers.get('request-id')).toBe(data.id);
    expect(response.headers.get('x-gateway-model')).toBe('sim-balanced');
    expect(response.headers.get('x-gateway-layer')).toBe('balanced');
  });

  it('streams with the Messages API event sequence, and the SDK puts the message back together', async () => {
    const stream = client.messages.stream({
      model: 'claude-3-5-haiku-20241022',
      max_tokens: 300,
      messages: [{ role: 'user', content: 'Write a short poem about the sea' }],
    });
    const types: string[] = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
    }
    const message = await stream.finalMessage();
    expect(types[0]).toBe('message_start');
    expect(types.slice(-2)).toEqual(['message_delta', 'message_stop']);
    expect(types).toContain('content_block_start');
    expect(types.filter((t) => t === 'content_block_delta').length).toBeGreaterThan(1);
    expect(types).toContain('content_block_stop');
    expect(message.model).toBe('sim-fast');
    expect(message.stop_reason).toBe('end_turn');
    expect((message.content[0] as Anthropic.TextBlock).text).toBe(text);
    expect(message.usage.output_tokens).toBeGreaterThan(0);
  });

  it('sends the raw events in order, with event names and a ping', async () => {
    const res = await request(gw.url)
      .post('/v1/messages')
      .send({ model: 'fast', max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'hi' }] })
      .buffer(true)
      .parse((r, cb) => {
        let body = '';
        r.on('data', (c: Buffer) => (body += c.toString()));
        r.on('end', () => cb(null, body));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/event-stream/);
    const events = (res.body as string)
      .split('\n')
      .filter((l) => l.startsWith('event: '))
      .map((l) => l.slice(7));
    expect(events.slice(0, 3)).toEqual(['message_start', 'ping', 'content_block_start']);
    expect(events.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
  });

  it('a tool call round trip: tool_use with arguments from the schema, then an answer about the tool_result', async () => {
    const ask: Anthropic.MessageParam = { role: 'user', content: 'What is the weather in Paris right now?' };
    const first = await client.messages.create({ model: 'fast', max_tokens: 200, tools: [WEATHER], messages: [ask] });
    expect(first.stop_reason).toBe('tool_use');
    const use = first.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
    expect(use).toMatchObject({ name: 'get_weather', input: { city: 'Paris' } });
    const second = await client.messages.create({
      model: 'fast',
      max_tokens: 200,
      tools: [WEATHER],
      messages: [
        ask,
        { role: 'assistant', content: first.content },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: use!.id, content: [{ type: 'text', text: '21 C, sunny' }] }],
        },
      ],
    });
    expect(second.stop_reason).toBe('end_turn');
    expect((second.content[0] as Anthropic.TextBlock).text).toContain('The tool get_weather returned "21 C, sunny"');
  });

  it('streams a tool call as a tool_use block with input_json_delta, forced by tool_choice', async () => {
    const stream = client.messages.stream({
      model: 'claude-sonnet-4-5',
      max_tokens: 200,
      tools: [WEATHER, { name: 'get_time', input_schema: { type: 'object', properties: {} } }],
      tool_choice: { type: 'tool', name: 'get_weather' },
      messages: [{ role: 'user', content: 'Anything about Lyon?' }],
    });
    const deltas: string[] = [];
    stream.on('inputJson', (partial) => deltas.push(partial));
    const message = await stream.finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toMatchObject([{ type: 'tool_use', name: 'get_weather', input: { city: 'Lyon' } }]);
    expect(message.content).toHaveLength(1);
    expect((message.content[0] as Anthropic.ToolUseBlock).id).toMatch(/^call_sim_/);
    expect(deltas.length).toBeGreaterThan(1);
  });

  it('stop_sequences end the answer before the sequence, with stop_reason stop_sequence', async () => {
    const message = await client.messages.create({
      model: 'fast',
      max_tokens: 200,
      stop_sequences: ['Regarding'],
      messages: [{ role: 'user', content: 'Say something' }],
    });
    expect(message).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: 'Regarding' });
    expect((message.content[0] as Anthropic.TextBlock).text).toMatch(/^\[sim-fast\] /);
    expect((message.content[0] as Anthropic.TextBlock).text).not.toContain('Regarding');
  });

  it('an image block reaches a vision model; a named model without vision is refused with 400 naming why', async () => {
    const image: Anthropic.ImageBlockParam = {
      type: 'image',
      source: { type: 'base64', media_type: 'image/png', data: PIXEL },
    };
    const seen = await client.messages.create({
      model: 'auto',
      max_tokens: 200,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, image] }],
    });
    expect(['sim-balanced', 'sim-deep']).toContain(seen.model);
    expect((seen.content[0] as Anthropic.TextBlock).text).toContain('I see 1 image (image/png, 70 bytes)');
    const refused = client.messages.create({
      model: 'sim-fast',
      max_tokens: 200,
      messages: [{ role: 'user', content: [image] }],
    });
    await expect(refused).rejects.toBeInstanceOf(Anthropic.BadRequestError);
    await expect(refused).rejects.toMatchObject({
      status: 400,
      error: { type: 'error', error: { type: 'invalid_request_error' } },
    });
    await expect(refused).rejects.toThrow('does not accept images');
  });

  it('takes chat bodies beyond security.bodyLimit (a 3 MB image) on both chat doors', async () => {
    const data = 'A'.repeat(3 * 1024 * 1024);
    const message = await client.messages.create({
      model: 'auto',
      max_tokens: 50,
      messages: [
        { role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data } }] },
      ],
    });
    expect((message.content[0] as Anthropic.TextBlock).text).toContain(`image/png, ${(data.length * 3) / 4} bytes`);
    await request(gw.url)
      .post('/v1/chat/completions')
      .send({
        messages: [
          { role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${data}` } }] },
        ],
      })
      .expect(200);
  });

  it('count_tokens estimates the prompt, tools included', async () => {
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'How many tokens is this?' }];
    const plain = await client.messages.countTokens({ model: 'claude-sonnet-4-5', messages });
    const withTools = await client.messages.countTokens({ model: 'claude-sonnet-4-5', messages, tools: [WEATHER] });
    expect(plain.input_tokens).toBeGreaterThan(0);
    expect(withTools.input_tokens).toBeGreaterThan(plain.input_tokens);
  });

  it('errors come in Anthropic shape: unknown model 404 not_found_error, a missing field 400 naming it', async () => {
    const unknown = client.messages.create({
      model: 'gpt-9',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'x' }],
    });
    await expect(unknown).rejects.toBeInstanceOf(Anthropic.NotFoundError);
    const res = await request(gw.url)
      .post('/v1/messages')
      .send({ model: 'fast', messages: [{ role: 'user', content: 'x' }] })
      .expect(400);
    expect(errorOf(res)).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    expect(errorOf(res).error.message).toContain('max_tokens');
    const doc = await request(gw.url)
      .post('/v1/messages')
      .send({ model: 'fast', max_tokens: 5, messages: [{ role: 'user', content: [{ type: 'document' }] }] })
      .expect(400);
    expect(errorOf(doc).error.message).toContain('messages[0].content[0].type');
  });

  it("takes Claude Code's requests: ?beta=true, anthropic-beta, cache_control, thinking (reported as ignored), server tools", async () => {
    const res = await request(gw.url)
      .post('/v1/messages?beta=true')
      .set('anthropic-version', '2023-06-01')
      .set('anthropic-beta', 'claude-code-20250219,interleaved-thinking-2025-05-14')
      .set('x-claude-code-session-id', 'sess-1')
      .send({
        model: 'claude-opus-4-1-20250805',
        max_tokens: 100,
        system: [{ type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } }],
        messages: [{ role: 'user', content: [{ type: 'text', text: 'hi', cache_control: { type: 'ephemeral' } }] }],
        tools: [
          { ...WEATHER, cache_control: { type: 'ephemeral' } },
          { type: 'web_search_20250305', name: 'web_search' },
        ],
        thinking: { type: 'enabled', budget_tokens: 1024 },
        metadata: { user_id: 'user_abc_account_def_session_1' },
      })
      .expect(200);
    expect((res.body as Anthropic.Message).model).toBe('sim-deep');
    expect(res.headers['x-gateway-ignored']).toBe('thinking, tool web_search (web_search_20250305)');
    const beta = await client.beta.messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'hi' }],
      betas: ['interleaved-thinking-2025-05-14'],
    });
    expect(beta.model).toBe('sim-fast');
  });

  it('is recorded like chat completions: one request_log row per message, under its request id', async () => {
    const { response } = await client.messages
      .create({ model: 'fast', max_tokens: 20, messages: [{ role: 'user', content: 'record me' }] })
      .withResponse();
    const id = response.headers.get('x-request-id');
    await gw.app.get(RecorderService).flush();
    const logged = await rows(gw, 'select model, success, stream from request_log where id = ?', [id]);
    expect(logged).toEqual([{ model: 'sim-fast', success: true, stream: false }]);
  });
});

describe('the Anthropic door with API keys: x-api-key or a bearer, scope route', () => {
  let gw: TestGateway;
  const body = { model: 'fast', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] };
  beforeAll(async () => {
    gw = await startTestGateway((cfg) => {
      cfg.security.chatBodyLimit = '2mb';
    });
  });
  afterAll(() => gw.stop());

  it('refuses a chat body over security.chatBodyLimit with 413, in Anthropic shape', async () => {
    const big = { ...body, messages: [{ role: 'user', content: 'x'.repeat(3 * 1024 * 1024) }] };
    const res = await request(gw.url).post('/v1/messages').send(big).expect(413);
    expect(errorOf(res).error).toEqual({
      type: 'request_too_large',
      message: 'The request body exceeds the size limit of 2mb (security.chatBodyLimit)',
    });
  });

  it('takes the key as x-api-key or Authorization: Bearer; refuses none, a wrong one and a key without route', async () => {
    const keys = gw.app.get(ApiKeysService);
    const route = (await keys.create({ name: 'claude-code', scopes: 'route' })).key;
    const reader = (await keys.create({ name: 'reader', scopes: 'tools:read' })).key;
    await request(gw.url).post('/v1/messages').set('x-api-key', route).send(body).expect(200);
    await request(gw.url).post('/v1/messages').set('authorization', `Bearer ${route}`).send(body).expect(200);
    const sdk = new Anthropic({ baseURL: gw.url, apiKey: route, maxRetries: 0 });
    await expect(sdk.messages.create(body as Anthropic.MessageCreateParamsNonStreaming)).resolves.toMatchObject({
      type: 'message',
    });
    const none = await request(gw.url).post('/v1/messages').send(body).expect(401);
    expect(errorOf(none)).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    expect(errorOf(none).error.message).toContain('x-api-key');
    await request(gw.url).post('/v1/messages').set('x-api-key', 'gw_wrong').send(body).expect(401);
    const scoped = await request(gw.url).post('/v1/messages').set('x-api-key', reader).send(body).expect(403);
    expect(errorOf(scoped).error.type).toBe('permission_error');
    // x-api-key is the Anthropic door's: the OpenAI door wants a bearer.
    await request(gw.url)
      .post('/v1/chat/completions')
      .set('x-api-key', route)
      .send({ messages: [{ role: 'user', content: 'hi' }] })
      .expect(401);
  });
});
