import { fastChatRequest } from './openai.fast-schema';
import { chatCompletionRequest } from './openai.schemas';

const clone = <T>(v: T): T => structuredClone(v);

/** Bodies of the common shape: the fast check must take each, and give what zod gives. */
const COMMON: Array<Record<string, unknown>> = [
  { messages: [{ role: 'user', content: 'hi' }] },
  {
    model: 'bench-fast',
    messages: [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: 'Say hello in one short sentence.' },
    ],
    max_tokens: 32,
  },
  {
    model: 'auto',
    messages: [
      { role: 'developer', content: [{ type: 'text', text: 'be brief' }], name: 'ops' },
      { role: 'user', content: 'weather?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
      },
      { role: 'tool', content: 'sunny', tool_call_id: 'c1' },
    ],
    tools: [
      {
        type: 'function',
        function: { name: 'get_weather', description: 'd', parameters: { type: 'object' }, strict: null },
      },
    ],
    tool_choice: { type: 'function', function: { name: 'get_weather' } },
    temperature: 0.2,
    top_p: 1,
    stop: ['\n', 'END'],
    seed: -3,
    n: 1,
    stream: true,
    stream_options: { include_usage: true },
    parallel_tool_calls: false,
    response_format: { type: 'json_object' },
    presence_penalty: -2,
    frequency_penalty: 2,
    logprobs: true,
    top_logprobs: 20,
    logit_bias: { '50256': -100 },
    reasoning_effort: 'low',
    user: 'u-1',
    metadata: { team: 'a' },
    task_type: 'code',
  },
  {
    messages: [{ role: 'user', content: 'x' }],
    temperature: null,
    max_tokens: null,
    stop: null,
    tools: null,
    tool_choice: 'auto',
    metadata: null,
    n: null,
  },
];

/** Valid bodies the fast check leaves to zod (a shape it does not cover), and invalid ones. */
const LEFT_TO_ZOD: Array<Record<string, unknown>> = [
  { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png' } }] }] },
  { messages: [{ role: 'user', content: 'hi' }], unknown_field: 1 },
  { messages: [{ role: 'user', content: 'hi', extra: true }] },
  { messages: [] },
  { model: null, messages: [{ role: 'user', content: 'hi' }] },
  { model: '', messages: [{ role: 'user', content: 'hi' }] },
  { messages: [{ role: 'user', content: 'hi' }], n: 2 },
  { messages: [{ role: 'user', content: 'hi' }], temperature: 2.5 },
  { messages: [{ role: 'user', content: 'hi' }], max_tokens: 0 },
  { messages: [{ role: 'user', content: 'hi' }], max_tokens: 1.5 },
  { messages: [{ role: 'user', content: 'hi' }], seed: 2 ** 60 },
  { messages: [{ role: 'user', content: 'hi' }], stop: ['a', 'b', 'c', 'd', 'e'] },
  { messages: [{ role: 'user', content: 'hi' }], task_type: '😀'.repeat(51) },
  { messages: [{ role: 'user', content: 'hi' }], metadata: { k: 'v'.repeat(513) } },
  { messages: [{ role: 'tool', content: 'x' }] },
  { messages: [{ role: 'user' }] },
  { messages: [{ role: 'user', content: [] }] },
  { messages: [{ role: 'user', content: 'hi' }], tools: [{ type: 'function', function: { name: 'bad name' } }] },
];

/** Values a mutation puts in a field: each kind JSON carries, at and past the bounds. */
const VALUES: unknown[] = [
  null,
  true,
  0,
  -1,
  1,
  1.5,
  2,
  4,
  21,
  101,
  -101,
  2 ** 53,
  '',
  'x',
  'auto',
  'a'.repeat(101),
  [],
  ['a'],
  [{ type: 'text', text: 't' }],
  {},
  { type: 'text' },
  { include_usage: 'yes' },
];
const FIELDS = Object.keys(COMMON[2]).concat(['messages.0.role', 'messages.0.content', 'messages.2.tool_calls', 'x']);

function mutate(body: Record<string, unknown>, field: string, value: unknown): Record<string, unknown> {
  const out = clone(body);
  const path = field.split('.');
  let target = out;
  for (const step of path.slice(0, -1)) target = target[step] as Record<string, unknown>;
  target[path[path.length - 1]] = clone(value);
  return out;
}

/** The contract: whatever the fast check takes, zod takes too, and returns the same request. */
function expectZodAgrees(body: Record<string, unknown>): boolean {
  const fast = fastChatRequest(clone(body));
  if (!fast) return false;
  const parsed = chatCompletionRequest.safeParse(clone(body));
  expect(parsed.success).toBe(true);
  expect(fast).toEqual(parsed.data);
  return true;
}

describe('the precompiled chat request check', () => {
  it('takes the common shapes and returns what zod returns (model defaults to auto)', () => {
    for (const body of COMMON) expect(expectZodAgrees(body)).toBe(true);
    expect(fastChatRequest({ messages: [{ role: 'user', content: 'hi' }] })?.model).toBe('auto');
  });

  it('leaves other shapes and every invalid body to zod', () => {
    for (const body of LEFT_TO_ZOD) expect(fastChatRequest(clone(body))).toBeUndefined();
    for (const body of [null, 1, 'x', [], {}]) expect(fastChatRequest(body)).toBeUndefined();
  });

  it('never takes a body zod refuses or would change, over every single-field mutation', () => {
    let taken = 0;
    let total = 0;
    for (const field of FIELDS)
      for (const value of VALUES) {
        total++;
        if (expectZodAgrees(mutate(COMMON[2], field, value))) taken++;
      }
    // The mutations both pass and fail the fast check: the contract was exercised on both sides.
    expect(taken).toBeGreaterThan(20);
    expect(taken).toBeLessThan(total);
  });
});
