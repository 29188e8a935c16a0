import { describe, expect, it } from '@jest/globals';
import { collectStream } from '../../stream';
import type { ChatDelta, ChatMessage, ChatRequest, ChatResponse, ToolCall, ToolDefinition } from '../../types';
import type { RecordedRequest } from '../fake-upstream';
import type { Harness } from './harness';
import { callOptions, request } from './helpers';

const WEATHER_TOOL: ToolDefinition = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'The current weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};
const WEATHER_CALL: ToolCall = {
  id: 'call_conf_1',
  type: 'function',
  function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
};
/** A 1 x 1 PNG. */
const PIXEL = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

function toolRequest(h: Harness): ChatRequest {
  return request(h.cfg.model, {
    messages: [{ role: 'user', content: 'What is the weather in Paris right now?' }],
    tools: [WEATHER_TOOL],
    tool_choice: { type: 'function', function: { name: 'get_weather' } },
  });
}

/** The fields of an upstream request body the kit looks at, in either dialect. */
interface SentBody {
  tools?: unknown;
  tool_choice?: unknown;
  stop?: unknown;
  stop_sequences?: unknown;
  messages: Array<{ role?: unknown; content?: unknown }>;
}

function sentBody(h: Harness): SentBody {
  const sent: RecordedRequest[] = h.upstream?.requests.filter((r) => r.method === 'POST') ?? [];
  expect(sent).toHaveLength(1);
  return sent[0].body as SentBody;
}

/** A tool call as the kit expects it: from the fake upstream exactly, else well formed and to the forced tool. */
function checkToolCalls(h: Harness, calls: ToolCall[] | undefined, finishReason: string | undefined): void {
  expect(finishReason).toBe('tool_calls');
  if (h.upstream) return void expect(calls).toEqual([WEATHER_CALL]);
  expect(calls?.length).toBeGreaterThan(0);
  const call = (calls as ToolCall[])[0];
  expect(call).toMatchObject({ type: 'function', function: { name: 'get_weather' } });
  expect(typeof call.id === 'string' && call.id.length > 0).toBe(true);
  const args: unknown = JSON.parse(call.function.arguments);
  expect(typeof args === 'object' && args !== null && !Array.isArray(args)).toBe(true);
}

/** The tool definition and the forced choice, in the upstream's own dialect. */
function checkToolsSent(h: Harness): void {
  if (!h.upstream) return;
  const body = sentBody(h);
  const fn = WEATHER_TOOL.function;
  if (h.cfg.upstream?.dialect === 'anthropic') {
    expect(body.tools).toEqual([{ name: fn.name, description: fn.description, input_schema: fn.parameters }]);
    expect(body.tool_choice).toMatchObject({ type: 'tool', name: fn.name });
  } else {
    expect(body.tools).toEqual([WEATHER_TOOL]);
    expect(body.tool_choice).toEqual({ type: 'function', function: { name: fn.name } });
  }
}

/** The assistant's call and the tool's result, in the upstream's own dialect. */
function checkRoundTripSent(h: Harness): void {
  if (!h.upstream) return;
  const messages = sentBody(h).messages;
  if (h.cfg.upstream?.dialect === 'anthropic') {
    expect(messages).toContainEqual({
      role: 'assistant',
      content: [{ type: 'tool_use', id: WEATHER_CALL.id, name: 'get_weather', input: { city: 'Paris' } }],
    });
    expect(messages).toContainEqual({
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: WEATHER_CALL.id, content: '{"celsius":21}' }],
    });
  } else {
    expect(messages).toContainEqual(expect.objectContaining({ role: 'assistant', tool_calls: [WEATHER_CALL] }));
    expect(messages).toContainEqual(
      expect.objectContaining({ role: 'tool', tool_call_id: WEATHER_CALL.id, content: '{"celsius":21}' }),
    );
  }
}

function registerToolCases(h: Harness): void {
  it('chat returns a forced tool call, well formed, with finishReason tool_calls', async () => {
    if (h.upstream) h.upstream.reply = { content: '', toolCalls: [WEATHER_CALL] };
    const res = await h.main.chat(toolRequest(h), callOptions());
    checkToolCalls(h, res.toolCalls, res.finishReason);
    checkToolsSent(h);
  });

  it('chatStream yields tool-call fragments (id and name first) that merge into the same call', async () => {
    if (h.upstream) h.upstream.reply = { content: '', toolCalls: [WEATHER_CALL] };
    const deltas: ChatDelta[] = [];
    const collected = await collectStream(
      (async function* (stream: AsyncIterable<ChatDelta>) {
        for await (const d of stream) yield deltas[deltas.push(d) - 1];
      })(h.main.chatStream(toolRequest(h), callOptions())),
    );
    checkToolCalls(h, collected.toolCalls, collected.finishReason);
    const seen = new Set<number>();
    for (const part of deltas.flatMap((d) => d.toolCalls ?? [])) {
      expect(Number.isInteger(part.index)).toBe(true);
      if (seen.has(part.index)) continue;
      seen.add(part.index);
      expect(part.id && part.function?.name).toBeTruthy();
    }
    checkToolsSent(h);
  });

  it('a tool result goes back with the call it answers, and the model answers in text', async () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: 'What is the weather in Paris right now?' },
      { role: 'assistant', content: null, tool_calls: [WEATHER_CALL] },
      { role: 'tool', tool_call_id: WEATHER_CALL.id, content: '{"celsius":21}' },
    ];
    const res = await h.main.chat(request(h.cfg.model, { messages, tools: [WEATHER_TOOL] }), callOptions());
    expect(res.finishReason).toBe('stop');
    expect((res.content ?? '').length).toBeGreaterThan(0);
    checkRoundTripSent(h);
  });
}

/** The answer to compare a stopped one with, and the stop word cut from its middle. */
async function stopCase(h: Harness): Promise<{ full: string; stop: string }> {
  const first = h.upstream
    ? h.upstream.reply.content
    : ((await (await h.state.instance(h.optionsFor(''))).chat(request(h.cfg.model), callOptions())).content ?? '');
  const words = first.split(/\s+/).filter((w) => w.length > 3 && first.indexOf(w) > 0);
  const stop = words[Math.floor(words.length / 2)];
  expect(stop).toBeDefined();
  return { full: first, stop };
}

function checkStopped(
  h: Harness,
  res: { content: string | null; finishReason?: ChatResponse['finishReason'] },
  full: string,
  stop: string,
): void {
  expect(res.finishReason).toBe('stop');
  expect(res.content).toBe(full.slice(0, full.indexOf(stop)));
  if (!h.upstream) return;
  const body = sentBody(h);
  if (h.cfg.upstream?.dialect === 'anthropic') expect(body.stop_sequences).toEqual([stop]);
  else expect(body.stop).toEqual([stop]);
}

function registerStopCases(h: Harness): void {
  // Without an upstream, only a deterministic plugin has a known answer to cut.
  if (!h.cfg.upstream && !h.cfg.deterministic) return;
  const fresh = async () => (h.upstream ? h.main : h.state.instance(h.optionsFor('')));

  it('chat ends the answer before the first stop sequence', async () => {
    const { full, stop } = await stopCase(h);
    const res = await (await fresh()).chat(request(h.cfg.model, { stop: [stop] }), callOptions());
    checkStopped(h, res, full, stop);
  });

  it('chatStream ends the answer before the first stop sequence', async () => {
    const { full, stop } = await stopCase(h);
    const collected = await collectStream(
      (await fresh()).chatStream(request(h.cfg.model, { stop: [stop] }), callOptions()),
    );
    checkStopped(h, collected, full, stop);
  });
}

function registerImageCase(h: Harness): void {
  it('a message with an image is answered, the image sent in the upstream dialect', async () => {
    const url = `data:image/png;base64,${PIXEL}`;
    const messages: ChatMessage[] = [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in this picture?' },
          { type: 'image_url', image_url: { url } },
        ],
      },
    ];
    const res = await h.main.chat(request(h.cfg.model, { messages }), callOptions());
    expect((res.content ?? '').length).toBeGreaterThan(0);
    if (!h.upstream) return;
    const content = sentBody(h).messages[0].content;
    if (h.cfg.upstream?.dialect === 'anthropic')
      expect(content).toEqual([
        { type: 'text', text: 'What is in this picture?' },
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PIXEL } },
      ]);
    else expect(content).toEqual(messages[0].content);
  });
}

/** Tool calls (forced, streamed, answered), stop sequences and images: what every plugin carries across formats. */
export function registerToolTests(h: Harness): void {
  if (h.cfg.tools !== false) describe('tool calls', () => registerToolCases(h));
  describe('stop sequences', () => registerStopCases(h));
  describe('images', () => registerImageCase(h));
}
