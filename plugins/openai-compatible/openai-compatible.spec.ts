import { collectStream, type PluginContext, type ProviderInstance } from '@ai-mcp-gateway/provider-sdk';
import { runConformanceSuite, startFakeUpstream, type FakeUpstream } from '@ai-mcp-gateway/provider-sdk/testing';
import plugin from './index';

const SECRET = 'sk-test-very-secret-key-123';

runConformanceSuite({
  plugin,
  options: (url: string) => ({ baseUrl: `${url}/v1`, apiKeyEnv: 'FAKE_OPENAI_KEY' }),
  model: 'fake-gpt',
  env: { FAKE_OPENAI_KEY: SECRET },
  upstream: { dialect: 'openai' },
  invalidOptions: [
    {},
    { baseUrl: 'not a url' },
    { baseUrl: 'ftp://127.0.0.1/v1' },
    { baseUrl: 'http://127.0.0.1/v1', maxConnections: 0 },
    { baseUrl: 'http://127.0.0.1/v1', models: [] },
    { baseUrl: 'http://127.0.0.1/v1', extra: 1 },
  ],
});

const logs: string[] = [];
function ctx(env: Record<string, string> = {}): PluginContext {
  const log = (m: string, d?: Record<string, unknown>) => void logs.push(`${m} ${JSON.stringify(d ?? {})}`);
  return { providerId: 'oa', logger: { debug: log, info: log, warn: log, error: log }, env: (n) => env[n] };
}
const call = () => ({ signal: new AbortController().signal, timeoutMs: 5000 });
const user = (content: string) => ({ role: 'user' as const, content });

describe('openai-compatible plugin', () => {
  let upstream: FakeUpstream;
  let p: ProviderInstance;

  beforeAll(async () => {
    upstream = await startFakeUpstream({ models: ['m1', 'm2'] });
  });
  beforeEach(async () => {
    upstream.reset();
    const options = plugin.optionsSchema.parse({
      baseUrl: `${upstream.url}/v1`,
      apiKeyEnv: 'KEY',
      headers: { 'x-team': 'blue' },
    });
    p = await plugin.create(options, ctx({ KEY: SECRET }));
  });
  afterEach(() => p.close?.());
  afterAll(() => upstream.close());

  it('sends the key as a Bearer token, the configured headers and an OpenAI body without gateway hints', async () => {
    await p.chat(
      { model: 'm1', messages: [user('hi')], temperature: 0.2, max_tokens: 9, hints: { taskType: 'chat' } },
      call(),
    );
    const sent = upstream.requests[0];
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(sent.headers['x-team']).toBe('blue');
    expect(sent.body).toEqual({
      model: 'm1',
      messages: [{ role: 'user', content: 'hi' }],
      temperature: 0.2,
      max_tokens: 9,
    });
  });

  it('asks for usage in streams', async () => {
    await collectStream(p.chatStream({ model: 'm1', messages: [user('hi')] }, call()));
    expect(upstream.requests[0].body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('lists models with GET /models when no static list is configured, and uses the static list otherwise', async () => {
    expect((await p.listModels()).map((m) => m.id)).toEqual(['m1', 'm2']);
    expect(upstream.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/models']);
    const fixed = await plugin.create(
      plugin.optionsSchema.parse({ baseUrl: `${upstream.url}/v1`, models: ['a', { id: 'b', contextWindow: 8192 }] }),
      ctx(),
    );
    expect(await fixed.listModels()).toEqual([{ id: 'a' }, { id: 'b', contextWindow: 8192 }]);
    expect(upstream.requests).toHaveLength(1);
    await fixed.close?.();
  });

  it('maps tool calls in chat and in streams', async () => {
    const toolCalls = [
      {
        id: 'call_1',
        type: 'function' as const,
        function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"C"}' },
      },
    ];
    upstream.reply = { content: '', toolCalls };
    const res = await p.chat(
      { model: 'm1', messages: [user('weather?')], tools: [{ type: 'function', function: { name: 'get_weather' } }] },
      call(),
    );
    expect(res.toolCalls).toEqual(toolCalls);
    expect(res.finishReason).toBe('tool_calls');
    expect(res.content).toBeNull();
    const streamed = await collectStream(p.chatStream({ model: 'm1', messages: [user('weather?')] }, call()));
    expect(streamed.toolCalls).toEqual(toolCalls);
    expect(streamed.finishReason).toBe('tool_calls');
  });

  it('sends assistant tool calls and tool results back unchanged', async () => {
    const toolCalls = [{ id: 'call_1', type: 'function' as const, function: { name: 'f', arguments: '{}' } }];
    const messages = [
      user('go'),
      { role: 'assistant' as const, content: null, tool_calls: toolCalls },
      { role: 'tool' as const, content: '42', tool_call_id: 'call_1' },
    ];
    await p.chat({ model: 'm1', messages }, call());
    expect(upstream.requests[0].body.messages).toEqual(messages);
  });

  it('parses streams with CRLF line ends', async () => {
    upstream.lineEnding = '\r\n';
    const streamed = await collectStream(p.chatStream({ model: 'm1', messages: [user('hi')] }, call()));
    expect(streamed.content).toBe(upstream.reply.content);
    expect(streamed.finishReason).toBe('stop');
  });

  it('reuses keep-alive connections', async () => {
    for (let i = 0; i < 10; i++) await p.chat({ model: 'm1', messages: [user(`n${i}`)] }, call());
    // undici may open a second socket while the first one finishes its previous response.
    expect(new Set(upstream.requests.map((r) => r.remotePort)).size).toBeLessThanOrEqual(2);
  });

  it('fails with auth, without a request, when the key variable is unset, and names only the variable', async () => {
    logs.length = 0;
    const keyless = await plugin.create(
      plugin.optionsSchema.parse({ baseUrl: `${upstream.url}/v1`, apiKeyEnv: 'MISSING_KEY' }),
      ctx(),
    );
    await expect(keyless.chat({ model: 'm1', messages: [user('hi')] }, call())).rejects.toMatchObject({ kind: 'auth' });
    await expect(
      collectStream(keyless.chatStream({ model: 'm1', messages: [user('hi')] }, call())),
    ).rejects.toMatchObject({ kind: 'auth' });
    expect(upstream.requests).toHaveLength(0);
    expect(logs.join('\n')).toContain('MISSING_KEY');
    expect((await keyless.healthCheck?.())?.ok).toBe(false);
    await keyless.close?.();
  });

  it('blanks the key out of an upstream error that echoes it', async () => {
    upstream.fail({ type: 'status', status: 401, message: `Incorrect API key provided: ${SECRET}` });
    const err = (await p.chat({ model: 'm1', messages: [user('hi')] }, call()).catch((e: Error) => e)) as Error;
    expect(err).toMatchObject({ kind: 'auth' });
    expect(err.message).toContain('Incorrect API key provided: [redacted]');
    expect(err.message).not.toContain(SECRET);
  });

  it('fails with connection after close()', async () => {
    await p.close?.();
    await expect(p.chat({ model: 'm1', messages: [user('hi')] }, call())).rejects.toMatchObject({ kind: 'connection' });
  });

  it('keeps the query string of baseUrl on every request', async () => {
    const azureish = await plugin.create(
      plugin.optionsSchema.parse({ baseUrl: `${upstream.url}/v1?api-version=2024-10-21` }),
      ctx(),
    );
    await azureish.chat({ model: 'm1', messages: [user('hi')] }, call());
    expect(upstream.requests[0].path).toBe('/v1/chat/completions');
    await azureish.close?.();
  });

  it('passes the optional parameters unchanged and returns the log probabilities, in chat and in streams', async () => {
    const optional = {
      max_completion_tokens: 40,
      presence_penalty: 0.4,
      frequency_penalty: 0.1,
      logprobs: true,
      top_logprobs: 1,
      logit_bias: { '7': 3 },
      reasoning_effort: 'high' as const,
      parallel_tool_calls: false,
      user: 'u',
      metadata: { k: 'v' },
    };
    expect(p.supportedParams).not.toContain('top_k');
    const res = await p.chat({ model: 'm1', messages: [user('hi')], ...optional }, call());
    expect(upstream.requests[0].body).toEqual({
      model: 'm1',
      messages: [{ role: 'user', content: 'hi' }],
      ...optional,
    });
    expect(res.logprobs?.content?.map((t) => t.token).join('')).toBe(upstream.reply.content);
    expect(res.logprobs?.content?.[0].top_logprobs).toHaveLength(1);
    const streamed = await collectStream(p.chatStream({ model: 'm1', messages: [user('hi')], logprobs: true }, call()));
    expect(streamed.logprobs?.content?.map((t) => t.token).join('')).toBe(upstream.reply.content);
  });

  it('declares the optional parameters its options name', async () => {
    const narrow = await plugin.create(
      plugin.optionsSchema.parse({ baseUrl: `${upstream.url}/v1`, params: ['user', 'max_completion_tokens'] }),
      ctx(),
    );
    expect(narrow.supportedParams).toEqual(['user', 'max_completion_tokens']);
    expect(plugin.optionsSchema.safeParse({ baseUrl: 'http://127.0.0.1/v1', params: ['seed'] }).success).toBe(false);
    await narrow.close?.();
  });
});
