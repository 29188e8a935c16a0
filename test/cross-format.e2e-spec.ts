import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startFakeUpstream, type FakeUpstream } from '@ai-mcp-gateway/provider-sdk/testing';
import { crossFormatConfig, PIXEL, sentBodies, WEATHER_CALL, WEATHER_PARAMETERS } from './helpers/cross-format';
import { startTestGateway, TestGateway } from './helpers/test-gateway';

const ANTHROPIC_TOOL: Anthropic.Tool = {
  name: 'get_weather',
  description: 'The current weather in a city',
  input_schema: WEATHER_PARAMETERS as Anthropic.Tool.InputSchema,
};
const OPENAI_TOOL: OpenAI.ChatCompletionFunctionTool = {
  type: 'function',
  function: { name: 'get_weather', description: 'The current weather in a city', parameters: WEATHER_PARAMETERS },
};

describe('clients and upstreams of different formats: tool calls, streams and images across', () => {
  let fake: FakeUpstream;
  let gw: TestGateway;
  let anthropic: Anthropic;
  let openai: OpenAI;
  beforeAll(async () => {
    fake = await startFakeUpstream({ models: ['fake-small', 'fake-vision', 'claude-fake'] });
    gw = await startTestGateway((cfg) => crossFormatConfig(cfg, fake.url));
    anthropic = new Anthropic({ baseURL: gw.url, apiKey: 'x', maxRetries: 0 });
    openai = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'x', maxRetries: 0 });
  });
  beforeEach(() => fake.reset());
  afterAll(async () => {
    await gw.stop();
    await fake.close();
  });

  const sent = (path: string) => sentBodies(fake, path);

  describe('the Anthropic SDK through openai-compatible to an OpenAI-style upstream', () => {
    it('answers and streams text, the request reaching the upstream in OpenAI shape', async () => {
      const message = await anthropic.messages.create({
        model: 'fake-small',
        max_tokens: 64,
        system: 'Be brief.',
        stop_sequences: ['###'],
        messages: [{ role: 'user', content: 'hello' }],
      });
      expect(message.content).toEqual([{ type: 'text', text: fake.reply.content }]);
      expect(message.usage.input_tokens).toBeGreaterThan(0);
      expect(sent('/v1/chat/completions')[0]).toMatchObject({
        model: 'fake-small',
        max_tokens: 64,
        stop: ['###'],
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'hello' },
        ],
      });
      const stream = anthropic.messages.stream({
        model: 'fake-small',
        max_tokens: 64,
        messages: [{ role: 'user', content: 'hello' }],
      });
      const final = await stream.finalMessage();
      expect(final.content).toEqual([{ type: 'text', text: fake.reply.content }]);
      expect(final.stop_reason).toBe('end_turn');
    });

    it('a tool call round trip, plain and streamed: tool_use blocks out, tool_result back as a tool message', async () => {
      fake.reply = { content: '', toolCalls: [WEATHER_CALL] };
      const ask: Anthropic.MessageParam = { role: 'user', content: 'Weather in Paris?' };
      const params = { model: 'fake-small', max_tokens: 100, tools: [ANTHROPIC_TOOL], messages: [ask] };
      const expected = {
        type: 'tool_use',
        id: WEATHER_CALL.id,
        name: 'get_weather',
        input: { city: 'Paris', unit: 'celsius' },
      };
      const plain = await anthropic.messages.create(params);
      expect(plain.stop_reason).toBe('tool_use');
      expect(plain.content).toEqual([expected]);
      const streamed = await anthropic.messages.stream(params).finalMessage();
      expect(streamed.stop_reason).toBe('tool_use');
      expect(streamed.content).toEqual([expected]);
      expect(sent('/v1/chat/completions')[0].tools).toEqual([OPENAI_TOOL]);

      fake.reset();
      const answer = await anthropic.messages.create({
        ...params,
        messages: [
          ask,
          { role: 'assistant', content: plain.content },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: WEATHER_CALL.id, content: '21 C' }] },
        ],
      });
      expect(answer.content).toEqual([{ type: 'text', text: fake.reply.content }]);
      expect(sent('/v1/chat/completions')[0].messages).toEqual([
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: [WEATHER_CALL] },
        { role: 'tool', tool_call_id: WEATHER_CALL.id, content: '21 C' },
      ]);
    });

    it('an image block reaches the vision model as an image_url data URL, intact', async () => {
      await anthropic.messages.create({
        model: 'auto',
        max_tokens: 50,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PIXEL } },
              { type: 'text', text: 'What is this?' },
            ],
          },
        ],
      });
      const body = sent('/v1/chat/completions')[0];
      expect(body.model).toBe('fake-vision');
      expect(body.messages[0].content).toEqual([
        { type: 'image_url', image_url: { url: `data:image/png;base64,${PIXEL}` } },
        { type: 'text', text: 'What is this?' },
      ]);
    });
  });

  describe('the openai client through the anthropic plugin to an Anthropic-style upstream', () => {
    const ask: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Paris?' }];

    it('gets a well-formed tool call, and its answer goes back as tool_use and tool_result blocks', async () => {
      fake.reply = { content: '', toolCalls: [WEATHER_CALL] };
      const res = await openai.chat.completions.create({ model: 'claude-fake', messages: ask, tools: [OPENAI_TOOL] });
      expect(res.choices[0].finish_reason).toBe('tool_calls');
      expect(res.choices[0].message.tool_calls).toEqual([WEATHER_CALL]);
      expect(sent('/v1/messages')[0].tools).toEqual([
        { name: 'get_weather', description: 'The current weather in a city', input_schema: WEATHER_PARAMETERS },
      ]);

      fake.reset();
      await openai.chat.completions.create({
        model: 'claude-fake',
        tools: [OPENAI_TOOL],
        messages: [...ask, res.choices[0].message, { role: 'tool', tool_call_id: WEATHER_CALL.id, content: '21 C' }],
      });
      expect(sent('/v1/messages')[0].messages).toEqual([
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: [
            { type: 'tool_use', id: WEATHER_CALL.id, name: 'get_weather', input: { city: 'Paris', unit: 'celsius' } },
          ],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: WEATHER_CALL.id, content: '21 C' }] },
      ]);
    });

    it('gets the tool call streamed, in chunks the openai stream helper puts back together', async () => {
      fake.reply = { content: 'Let me look.', toolCalls: [WEATHER_CALL, { ...WEATHER_CALL, id: 'call_up_2' }] };
      const stream = openai.chat.completions.stream({ model: 'claude-fake', messages: ask, tools: [OPENAI_TOOL] });
      const argumentDeltas: string[] = [];
      stream.on('tool_calls.function.arguments.delta', (e) => argumentDeltas.push(e.arguments_delta));
      const completion = await stream.finalChatCompletion();
      const message = completion.choices[0].message;
      expect(completion.choices[0].finish_reason).toBe('tool_calls');
      expect(message.content).toBe('Let me look.');
      expect(message.tool_calls).toEqual([WEATHER_CALL, { ...WEATHER_CALL, id: 'call_up_2' }]);
      expect(argumentDeltas.length).toBeGreaterThanOrEqual(4);
    });

    it('an image_url with an https URL goes upstream as an image block with a url source', async () => {
      await openai.chat.completions.create({
        model: 'claude-fake',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Describe it' },
              { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
            ],
          },
        ],
      });
      expect(sent('/v1/messages')[0].messages[0].content).toEqual([
        { type: 'text', text: 'Describe it' },
        { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } },
      ]);
    });
  });

  it('an image sent with the openai client reaches the vision model of the upstream intact', async () => {
    const url = `data:image/png;base64,${PIXEL}`;
    const res = await openai.chat.completions.create({
      model: 'auto',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this image?' },
            { type: 'image_url', image_url: { url, detail: 'low' } },
          ],
        },
      ],
    });
    expect(res.model).toBe('fake-vision');
    const body = sent('/v1/chat/completions')[0];
    expect(body.model).toBe('fake-vision');
    expect(body.messages[0].content).toEqual([
      { type: 'text', text: 'What is in this image?' },
      { type: 'image_url', image_url: { url, detail: 'low' } },
    ]);
  });

  it('an image for a named model without vision is refused with 400 images_not_supported, before any upstream call', async () => {
    const refused = openai.chat.completions.create({
      model: 'fake-small',
      messages: [
        { role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${PIXEL}` } }] },
      ],
    });
    await expect(refused).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(refused).rejects.toMatchObject({
      status: 400,
      code: 'images_not_supported',
      param: 'messages',
    });
    await expect(refused).rejects.toThrow('does not accept images');
    expect(fake.requests).toHaveLength(0);
  });
});
