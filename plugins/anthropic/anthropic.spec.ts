import { collectStream, type PluginContext, type ProviderInstance } from '@ai-mcp-gateway/provider-sdk';
import { runConformanceSuite, startFakeUpstream, type FakeUpstream } from '@ai-mcp-gateway/provider-sdk/testing';
import plugin from './index';

const SECRET = 'sk-ant-test-secret-value-456';

runConformanceSuite({
  plugin,
  options: (url: string) => ({ baseUrl: url, models: ['claude-fake', { id: 'claude-big', contextWindow: 200000 }] }),
  model: 'claude-fake',
  env: { ANTHROPIC_API_KEY: SECRET },
  upstream: { dialect: 'anthropic' },
  invalidOptions: [
    { baseUrl: 'nope' },
    { maxTokensDefault: 0 },
    { models: [] },
    { anthropicVersion: '' },
    { apiKey: 'inline keys are refused' },
  ],
});

const ctx = (env: Record<string, string> = { ANTHROPIC_API_KEY: SECRET }): PluginContext => ({
  providerId: 'claude',
  logger: { debug() {}, info() {}, warn() {}, error() {} },
  env: (n) => env[n],
});
const call = () => ({ signal: new AbortController().signal, timeoutMs: 5000 });
const weatherCall = {
  id: 'toolu_1',
  type: 'function' as const,
  function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
};

describe('anthropic plugin', () => {
  let upstream: FakeUpstream;
  let p: ProviderInstance;

  beforeAll(async () => {
    upstream = await startFakeUpstream({ models: ['claude-a', 'claude-b'] });
  });
  beforeEach(async () => {
    upstream.reset();
    p = await plugin.create(plugin.optionsSchema.parse({ baseUrl: upstream.url, maxTokensDefault: 321 }), ctx());
  });
  afterEach(() => p.close?.());
  afterAll(() => upstream.close());

  it('defaults to the public API, ANTHROPIC_API_KEY and version 2023-06-01', () => {
    expect(plugin.optionsSchema.parse({})).toMatchObject({
      baseUrl: 'https://api.anthropic.com',
      apiKeyEnv: 'ANTHROPIC_API_KEY',
      anthropicVersion: '2023-06-01',
      maxTokensDefault: 1024,
    });
  });

  it('sends x-api-key and anthropic-version, never an Authorization header', async () => {
    await p.chat({ model: 'claude-a', messages: [{ role: 'user', content: 'hi' }] }, call());
    const sent = upstream.requests[0];
    expect(sent.path).toBe('/v1/messages');
    expect(sent.headers['x-api-key']).toBe(SECRET);
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent.headers.authorization).toBeUndefined();
  });

  it('maps system, user, assistant, tool calls and tool results onto the Messages API', async () => {
    await p.chat(
      {
        model: 'claude-a',
        temperature: 0.3,
        stop: ['END'],
        tools: [
          {
            type: 'function',
            function: {
              name: 'get_weather',
              description: 'Weather',
              parameters: { type: 'object', properties: { city: { type: 'string' } } },
            },
          },
        ],
        tool_choice: 'required',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'system', content: 'Use metric units.' },
          { role: 'user', content: 'Weather in Paris and Rome?' },
          {
            role: 'assistant',
            content: 'Checking.',
            tool_calls: [
              weatherCall,
              { ...weatherCall, id: 'toolu_2', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'toolu_1', content: '18C' },
          { role: 'tool', tool_call_id: 'toolu_2', content: '24C' },
        ],
      },
      call(),
    );
    expect(upstream.requests[0].body).toEqual({
      model: 'claude-a',
      max_tokens: 321,
      system: 'Be brief.\n\nUse metric units.',
      temperature: 0.3,
      stop_sequences: ['END'],
      tools: [
        {
          name: 'get_weather',
          description: 'Weather',
          input_schema: { type: 'object', properties: { city: { type: 'string' } } },
        },
      ],
      tool_choice: { type: 'any' },
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
            { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { city: 'Rome' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: '18C' },
            { type: 'tool_result', tool_use_id: 'toolu_2', content: '24C' },
          ],
        },
      ],
    });
  });

  it('maps tool_use blocks to tool calls, in chat and in streams', async () => {
    upstream.reply = { content: 'Let me check.', toolCalls: [weatherCall] };
    const res = await p.chat({ model: 'claude-a', messages: [{ role: 'user', content: 'weather?' }] }, call());
    expect(res).toMatchObject({ content: 'Let me check.', toolCalls: [weatherCall], finishReason: 'tool_calls' });
    const streamed = await collectStream(
      p.chatStream({ model: 'claude-a', messages: [{ role: 'user', content: 'weather?' }] }, call()),
    );
    expect(streamed).toMatchObject({ content: 'Let me check.', toolCalls: [weatherCall], finishReason: 'tool_calls' });
  });

  it('maps stop_reason max_tokens to length and combines usage from message_start and message_delta', async () => {
    upstream.reply = { content: 'A cut answer', finishReason: 'length' };
    const streamed = await collectStream(
      p.chatStream({ model: 'claude-a', messages: [{ role: 'user', content: 'long please' }] }, call()),
    );
    const usage = upstream.requests[0].usage;
    expect(streamed.finishReason).toBe('length');
    expect(streamed.usage).toEqual({
      promptTokens: usage?.promptTokens,
      completionTokens: usage?.completionTokens,
      totalTokens: (usage?.promptTokens ?? 0) + (usage?.completionTokens ?? 0),
    });
  });

  it('treats 529 overloaded as a retryable upstream error', async () => {
    upstream.fail({ type: 'status', status: 529 });
    const err = await p
      .chat({ model: 'claude-a', messages: [{ role: 'user', content: 'hi' }] }, call())
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'upstream', status: 529, retryable: true });
  });

  it('lists models with GET /v1/models when no static list is configured', async () => {
    expect((await p.listModels()).map((m) => m.id)).toEqual(['claude-a', 'claude-b']);
    expect(upstream.requests[0].path).toBe('/v1/models');
    expect(upstream.requests[0].headers['anthropic-version']).toBe('2023-06-01');
  });

  it('refuses tool-call arguments that are not JSON with bad_request, without a request', async () => {
    const messages = [
      { role: 'user' as const, content: 'x' },
      {
        role: 'assistant' as const,
        content: null,
        tool_calls: [{ ...weatherCall, function: { name: 'f', arguments: '{oops' } }],
      },
    ];
    await expect(p.chat({ model: 'claude-a', messages }, call())).rejects.toMatchObject({ kind: 'bad_request' });
    expect(upstream.requests).toHaveLength(0);
  });

  it('fails with auth when ANTHROPIC_API_KEY is unset', async () => {
    const keyless = await plugin.create(plugin.optionsSchema.parse({ baseUrl: upstream.url }), ctx({}));
    await expect(
      keyless.chat({ model: 'claude-a', messages: [{ role: 'user', content: 'hi' }] }, call()),
    ).rejects.toMatchObject({ kind: 'auth' });
    expect(upstream.requests).toHaveLength(0);
    await keyless.close?.();
  });

  it('parses streams with CRLF line ends', async () => {
    upstream.lineEnding = '\r\n';
    const streamed = await collectStream(
      p.chatStream({ model: 'claude-a', messages: [{ role: 'user', content: 'hi' }] }, call()),
    );
    expect(streamed.content).toBe(upstream.reply.content);
  });

  it('maps user, parallel_tool_calls, top_k and max_completion_tokens; images become image blocks', async () => {
    expect(p.supportedParams).toEqual(['max_completion_tokens', 'parallel_tool_calls', 'top_k', 'user']);
    await p.chat(
      {
        model: 'claude-a',
        max_completion_tokens: 55,
        top_k: 4,
        user: 'user-9',
        parallel_tool_calls: false,
        tools: [{ type: 'function', function: { name: 'f' } }],
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Compare' },
              { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/AA==' } },
              { type: 'image_url', image_url: { url: 'https://example.com/b.png' } },
            ],
          },
        ],
      },
      call(),
    );
    expect(upstream.requests[0].body).toMatchObject({
      max_tokens: 55,
      top_k: 4,
      metadata: { user_id: 'user-9' },
      tool_choice: { type: 'auto', disable_parallel_tool_use: true },
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare' },
            { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/AA==' } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/b.png' } },
          ],
        },
      ],
    });
    const insecure = p.chat(
      {
        model: 'claude-a',
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'http://example.com/c.png' } }] }],
      },
      call(),
    );
    await expect(insecure).rejects.toMatchObject({ kind: 'bad_request' });
  });

  it('reports the stop sequence that ended the answer, in chat and in streams', async () => {
    const req = { model: 'claude-a', stop: ['several'], messages: [{ role: 'user' as const, content: 'hi' }] };
    const res = await p.chat(req, call());
    expect(res).toMatchObject({ finishReason: 'stop', stopSequence: 'several' });
    expect(res.content).toBe(upstream.reply.content.slice(0, upstream.reply.content.indexOf('several')));
    const streamed = await collectStream(p.chatStream(req, call()));
    expect(streamed).toMatchObject({ finishReason: 'stop', stopSequence: 'several', content: res.content });
  });
});
