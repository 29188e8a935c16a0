import OpenAI from 'openai';
import { startFakeUpstream, type FakeUpstream } from '@ai-mcp-gateway/provider-sdk/testing';
import { RecorderService } from '../src/recording/recorder.service';
import { crossFormatConfig, sentBodies, WEATHER_PARAMETERS } from './helpers/cross-format';
import { startTestGateway, TestGateway } from './helpers/test-gateway';

const TOOL: OpenAI.ChatCompletionFunctionTool = {
  type: 'function',
  function: { name: 'get_weather', description: 'The current weather in a city', parameters: WEATHER_PARAMETERS },
};
const hello: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'hello' }];

/** Optional parameters set to null, as the openai client's types allow (the request would otherwise be refused). */
const NULLS = {
  temperature: null,
  top_p: null,
  max_tokens: null,
  max_completion_tokens: null,
  n: null,
  seed: null,
  stream: null,
  tools: null,
  user: null,
  tool_choice: null,
  parallel_tool_calls: null,
  presence_penalty: null,
  logprobs: null,
  stop: null,
  metadata: null,
} as unknown as Partial<OpenAI.ChatCompletionCreateParamsNonStreaming>;

async function count(gw: TestGateway, sql: string): Promise<number> {
  await gw.app.get(RecorderService).flush();
  const rows = await gw.db.fork().getConnection().execute<Array<{ n: number }>>(sql);
  return Number(rows[0].n);
}

describe('OpenAI API fidelity against an OpenAI-style and an Anthropic-style upstream, with the official openai client', () => {
  let fake: FakeUpstream;
  let gw: TestGateway;
  let client: OpenAI;
  beforeAll(async () => {
    fake = await startFakeUpstream({ models: ['fake-small', 'fake-vision', 'claude-fake'] });
    gw = await startTestGateway((cfg) => crossFormatConfig(cfg, fake.url));
    client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'x', maxRetries: 0 });
  });
  beforeEach(() => fake.reset());
  afterAll(async () => {
    await gw.stop();
    await fake.close();
  });

  const upstreamBody = () => sentBodies(fake)[0];

  it('null for an optional parameter means "not set": accepted, and nothing null goes upstream', async () => {
    const res = await client.chat.completions.create({ model: 'fake-small', messages: hello, ...NULLS });
    expect(res.choices[0].message.content).toBe(fake.reply.content);
    const body = upstreamBody();
    for (const key of Object.keys(NULLS)) expect(body).not.toHaveProperty(key);
  });

  it('max_completion_tokens goes upstream as such (not as max_tokens); the anthropic plugin sends it as max_tokens', async () => {
    await client.chat.completions.create({ model: 'fake-small', messages: hello, max_completion_tokens: 77 });
    expect(upstreamBody()).toMatchObject({ max_completion_tokens: 77 });
    expect(upstreamBody()).not.toHaveProperty('max_tokens');
    fake.reset();
    await client.chat.completions.create({ model: 'claude-fake', messages: hello, max_completion_tokens: 77 });
    expect(upstreamBody()).toMatchObject({ max_tokens: 77 });
  });

  it('penalties, logprobs, logit_bias, reasoning_effort, parallel_tool_calls, user and metadata pass through unchanged', async () => {
    const passed = {
      presence_penalty: 0.5,
      frequency_penalty: -0.25,
      logprobs: true,
      top_logprobs: 2,
      logit_bias: { '50256': -100 },
      reasoning_effort: 'low' as const,
      parallel_tool_calls: false,
      user: 'user-7',
      metadata: { team: 'search' },
    };
    const res = await client.chat.completions.create({ model: 'auto', messages: hello, tools: [TOOL], ...passed });
    expect(upstreamBody()).toMatchObject({ ...passed, tools: [TOOL] });
    const logprobs = res.choices[0].logprobs?.content;
    expect(logprobs?.map((t) => t.token).join('')).toBe(fake.reply.content);
    expect(logprobs?.[0].top_logprobs).toHaveLength(2);
  });

  it('logprobs come back in a stream too', async () => {
    const stream = await client.chat.completions.create({
      model: 'fake-small',
      messages: hello,
      logprobs: true,
      stream: true,
    });
    const tokens: string[] = [];
    for await (const chunk of stream) tokens.push(...(chunk.choices[0]?.logprobs?.content ?? []).map((t) => t.token));
    expect(tokens.join('')).toBe(fake.reply.content);
  });

  it('a parameter the chosen model cannot honour: 400 naming it (named model); auto routes around it', async () => {
    const refused = client.chat.completions.create({ model: 'claude-fake', messages: hello, presence_penalty: 0.5 });
    await expect(refused).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(refused).rejects.toMatchObject({
      status: 400,
      code: 'unsupported_parameter',
      param: 'presence_penalty',
    });
    await expect(refused).rejects.toThrow('cannot honour presence_penalty');
    const routed = await client.chat.completions.create({ model: 'deep', messages: hello, logit_bias: { '1': 5 } });
    expect(routed.model).not.toBe('claude-fake');
    expect(fake.requests.filter((r) => r.path === '/v1/messages')).toHaveLength(0);
  });

  it('a prompt larger than every context window: 400 context_length_exceeded, never retried, never a bug pattern', async () => {
    const bugsBefore = await count(gw, 'select count(*)::int as n from bug_patterns');
    const huge: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'word '.repeat(20_000) }];
    const retrying = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'x', maxRetries: 2 });
    for (const model of ['auto', 'fake-small']) {
      const refused = retrying.chat.completions.create({ model, messages: huge });
      await expect(refused).rejects.toBeInstanceOf(OpenAI.BadRequestError);
      await expect(refused).rejects.toMatchObject({ code: 'context_length_exceeded', param: 'messages' });
    }
    expect(fake.requests).toHaveLength(0);
    expect(await count(gw, 'select count(*)::int as n from bug_patterns')).toBe(bugsBefore);
  });

  it('an upstream 429 that no fallback can serve reaches the client as 429 with the upstream Retry-After', async () => {
    fake.fail({ type: 'status', status: 429, retryAfter: '120', message: 'slow down' }, { times: 5 });
    const limited = client.chat.completions.create({ model: 'fake-small', messages: hello });
    await expect(limited).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    const err = (await limited.catch((e: unknown) => e)) as InstanceType<typeof OpenAI.RateLimitError>;
    expect(err.headers?.get('retry-after')).toBe('120');
    expect(err.code).toBe('upstream_rate_limited');
  });

  it('an upstream 429 with a fallback that can serve: the fallback answers', async () => {
    fake.fail({ type: 'status', status: 429, retryAfter: '120' }, { times: 1, path: '/v1/chat/completions' });
    const res = await client.chat.completions.create({ model: 'fast', messages: hello });
    expect(res.choices[0].message.content).toBe(fake.reply.content);
    expect(res.model).not.toBe('fake-small');
  });
});

describe('OpenAI API fidelity on the default (simulated) config', () => {
  let gw: TestGateway;
  let client: OpenAI;
  beforeAll(async () => {
    gw = await startTestGateway();
    client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'x', maxRetries: 0 });
  });
  afterAll(() => gw.stop());

  it('null optional parameters are accepted', async () => {
    const res = await client.chat.completions.create({ model: 'auto', messages: hello, ...NULLS });
    expect(res.choices[0].message.content).toContain('[sim-');
  });

  it('logprobs, which the simulated provider cannot give: 400 naming logprobs', async () => {
    const refused = client.chat.completions.create({ model: 'auto', messages: hello, logprobs: true });
    await expect(refused).rejects.toMatchObject({ status: 400, code: 'unsupported_parameter', param: 'logprobs' });
    const off = await client.chat.completions.create({ model: 'auto', messages: hello, logprobs: false });
    expect(off.choices[0].message.content).toBeTruthy();
  });

  it('a 25k-token prompt to a named 16k model: 400 context_length_exceeded (the window is checked for named models)', async () => {
    const refused = client.chat.completions.create({
      model: 'sim-fast',
      messages: [{ role: 'user', content: 'word '.repeat(20_000) }],
    });
    await expect(refused).rejects.toMatchObject({ status: 400, code: 'context_length_exceeded' });
    const routed = await client.chat.completions.create({
      model: 'fast',
      messages: [{ role: 'user', content: 'word '.repeat(20_000) }],
    });
    expect(routed.model).toBe('sim-balanced');
  });

  it('the simulated provider honours stop', async () => {
    const res = await client.chat.completions.create({ model: 'fast', messages: hello, stop: ['Regarding'] });
    expect(res.choices[0].finish_reason).toBe('stop');
    expect(res.choices[0].message.content).toMatch(/^\[sim-fast\] /);
    expect(res.choices[0].message.content).not.toContain('Regarding');
    const stream = await client.chat.completions.create({
      model: 'fast',
      messages: hello,
      stop: 'Regarding',
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toMatch(/^\[sim-fast\] /);
    expect(text).not.toContain('Regarding');
  });

  it('the simulated provider calls tools deterministically, streamed and not, and answers the tool result', async () => {
    const ask: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'What is the weather in Oslo?' }];
    const first = await client.chat.completions.create({ model: 'fast', messages: ask, tools: [TOOL] });
    expect(first.choices[0].finish_reason).toBe('tool_calls');
    const call = first.choices[0].message.tool_calls?.[0] as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(call.function).toEqual({ name: 'get_weather', arguments: '{"city":"Oslo"}' });
    const again = await client.chat.completions
      .stream({ model: 'fast', messages: ask, tools: [TOOL] })
      .finalChatCompletion();
    expect(again.choices[0].finish_reason).toBe('tool_calls');
    expect(again.choices[0].message.tool_calls?.[0]).toMatchObject({ type: 'function', function: call.function });
    const answer = await client.chat.completions.create({
      model: 'fast',
      tools: [TOOL],
      messages: [...ask, first.choices[0].message, { role: 'tool', tool_call_id: call.id, content: '-3 C, snow' }],
    });
    expect(answer.choices[0].finish_reason).toBe('stop');
    expect(answer.choices[0].message.content).toContain('The tool get_weather returned "-3 C, snow"');
  });
});
