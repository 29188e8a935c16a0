import { messagesRequest, type MessagesRequest } from './anthropic.schemas';
import { toMessage, toRouteRequest } from './anthropic.mapper';
import { MessageEvents } from './anthropic-events';
import type { RouteResult } from './routing.types';

const parse = (body: Record<string, unknown>): MessagesRequest =>
  messagesRequest.parse({ model: 'auto', max_tokens: 100, ...body });

describe('the Anthropic Messages API mapped onto the gateway', () => {
  it('maps system blocks, images, tool_use (thinking dropped) and tool_result turns onto chat messages', () => {
    const { request } = toRouteRequest(
      parse({
        system: [
          { type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } },
          { type: 'text', text: 'Use tools.' },
        ],
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Look:' },
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
              { type: 'image', source: { type: 'url', url: 'https://example.com/a.jpg' } },
            ],
          },
          {
            role: 'assistant',
            content: [
              { type: 'thinking', thinking: 'hmm', signature: 's' },
              { type: 'text', text: 'Checking.' },
              { type: 'tool_use', id: 'tu_1', name: 'look', input: { zoom: 2 } },
            ],
          },
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: 'tu_1', content: [{ type: 'text', text: 'a cat' }] },
              { type: 'tool_result', tool_use_id: 'tu_2', content: 'timeout', is_error: true },
              { type: 'text', text: 'And now?' },
            ],
          },
        ],
      }),
      'r1',
    );
    expect(request.messages).toEqual([
      { role: 'system', content: 'Be brief.\nUse tools.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Look:' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
          { type: 'image_url', image_url: { url: 'https://example.com/a.jpg' } },
        ],
      },
      {
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [{ id: 'tu_1', type: 'function', function: { name: 'look', arguments: '{"zoom":2}' } }],
      },
      { role: 'tool', tool_call_id: 'tu_1', content: 'a cat' },
      { role: 'tool', tool_call_id: 'tu_2', content: '[tool error] timeout' },
      { role: 'user', content: 'And now?' },
    ]);
  });

  it('maps the parameters: tools, tool_choice, parallel use, stop sequences, top_k, metadata.user_id; reports what it drops', () => {
    const tool = { name: 'look', description: 'Looks', input_schema: { type: 'object' } };
    const mapped = (extra: Record<string, unknown>) =>
      toRouteRequest(parse({ messages: [{ role: 'user', content: 'x' }], tools: [tool], ...extra }), 'r');
    const { request, ignored } = mapped({
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      stop_sequences: ['END'],
      top_k: 5,
      temperature: 0.5,
      metadata: { user_id: 'u-1' },
      stream: true,
    });
    expect(request).toMatchObject({ model: 'auto', stream: true, requestId: 'r' });
    expect(request.params).toEqual({
      max_tokens: 100,
      tools: [{ type: 'function', function: { name: 'look', description: 'Looks', parameters: { type: 'object' } } }],
      tool_choice: 'required',
      parallel_tool_calls: false,
      stop: ['END'],
      top_k: 5,
      temperature: 0.5,
      user: 'u-1',
    });
    expect(ignored).toEqual([]);
    expect(mapped({ tool_choice: { type: 'tool', name: 'look' } }).request.params.tool_choice).toEqual({
      type: 'function',
      function: { name: 'look' },
    });
    expect(mapped({ tool_choice: { type: 'none' } }).request.params.tool_choice).toBe('none');
    const dropped = mapped({
      thinking: { type: 'enabled', budget_tokens: 2000 },
      tools: [tool, { type: 'web_search_20250305', name: 'web_search', max_uses: 3 }],
    });
    expect(dropped.ignored).toEqual(['thinking', 'tool web_search (web_search_20250305)']);
    expect(dropped.request.params.tools).toHaveLength(1);
  });

  it('refuses a custom tool without input_schema, naming the field', () => {
    const bad = messagesRequest.safeParse({
      model: 'x',
      max_tokens: 1,
      messages: [{ role: 'user', content: 'x' }],
      tools: [{ name: 'f' }],
    });
    expect(bad.error?.issues[0]).toMatchObject({
      path: ['tools', 0, 'input_schema'],
      message: 'a custom tool needs input_schema',
    });
  });

  it('answers as a message: text and tool_use blocks, stop reason, stop sequence and usage', () => {
    const result = (response: Partial<RouteResult['response']>) =>
      ({
        decision: { requestId: 'abc' },
        model: { id: 'sim-fast' },
        response: {
          model: 'm',
          content: '',
          finishReason: 'stop',
          usage: { promptTokens: 3, completionTokens: 4, totalTokens: 7 },
          ...response,
        },
        usage: { promptTokens: 3, completionTokens: 4, totalTokens: 7 },
      }) as unknown as RouteResult;
    expect(
      toMessage(
        result({
          content: 'Let me see.',
          finishReason: 'tool_calls',
          toolCalls: [
            { id: 'c1', type: 'function', function: { name: 'look', arguments: '{"zoom":2}' } },
            { id: 'c2', type: 'function', function: { name: 'look', arguments: 'not json' } },
          ],
        }),
      ),
    ).toEqual({
      id: 'msg_abc',
      type: 'message',
      role: 'assistant',
      model: 'sim-fast',
      content: [
        { type: 'text', text: 'Let me see.' },
        { type: 'tool_use', id: 'c1', name: 'look', input: { zoom: 2 } },
        { type: 'tool_use', id: 'c2', name: 'look', input: {} },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 3, output_tokens: 4, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    });
    expect(toMessage(result({ content: 'Hi', stopSequence: 'END' }))).toMatchObject({
      content: [{ type: 'text', text: 'Hi' }],
      stop_reason: 'stop_sequence',
      stop_sequence: 'END',
    });
    expect(toMessage(result({ content: 'cut', finishReason: 'length' })).stop_reason).toBe('max_tokens');
  });
});

describe('MessageEvents', () => {
  const parse = (frames: string) =>
    frames
      .trim()
      .split('\n\n')
      .map((frame) => {
        const [event, data] = frame.split('\n');
        const body = JSON.parse(data.slice('data: '.length)) as { type: string } & Record<string, unknown>;
        expect(event).toBe(`event: ${body.type}`);
        return body;
      });

  it('a text run and two tool calls become blocks in order, closed before the message ends', () => {
    const events = new MessageEvents('msg_1', 'sim-fast');
    const frames =
      events.start(12) +
      events.delta({ content: 'Hel' }) +
      events.delta({ content: 'lo' }) +
      events.delta({ toolCalls: [{ index: 0, id: 'c1', type: 'function', function: { name: 'a', arguments: '' } }] }) +
      events.delta({ toolCalls: [{ index: 0, function: { arguments: '{"x":' } }] }) +
      events.delta({ toolCalls: [{ index: 0, function: { arguments: '1}' } }] }) +
      events.delta({ toolCalls: [{ index: 1, id: 'c2', function: { name: 'b', arguments: '{}' } }] }) +
      events.delta({ finishReason: 'tool_calls' }) +
      events.end({ promptTokens: 12, completionTokens: 9, totalTokens: 21 });
    const body = parse(frames);
    expect(body.map((e) => e.type)).toEqual([
      'message_start',
      'ping',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(body[0]).toMatchObject({ message: { id: 'msg_1', model: 'sim-fast', usage: { input_tokens: 12 } } });
    expect(body[6]).toEqual({
      type: 'content_block_start',
      index: 1,
      content_block: { type: 'tool_use', id: 'c1', name: 'a', input: {} },
    });
    expect(body[8]).toEqual({
      type: 'content_block_delta',
      index: 1,
      delta: { type: 'input_json_delta', partial_json: '1}' },
    });
    expect(body[10]).toMatchObject({ index: 2, content_block: { id: 'c2', name: 'b' } });
    expect(body[13]).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: { input_tokens: 12, output_tokens: 9, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    });
  });

  it('an error event carries the body it is given', () => {
    expect(MessageEvents.error({ type: 'error', error: { type: 'api_error', message: 'x' } })).toBe(
      'event: error\ndata: {"type":"error","error":{"type":"api_error","message":"x"}}\n\n',
    );
  });
});
