import { cacheKey, directiveOf } from './cache-key';
import { MemoryStore } from './memory-store';
import { replayDeltas, StreamAssembler } from './response-cache.service';

const base = { scope: 'key:1', model: 'auto', messages: [{ role: 'user' as const, content: 'hi' }], params: {} };

describe('cache keys', () => {
  it('are the same whatever the order of the fields, and ignore user and metadata', () => {
    const a = cacheKey({ ...base, params: { temperature: 0, max_tokens: 5, user: 'u1' } });
    const b = cacheKey({ ...base, params: { max_tokens: 5, temperature: 0, metadata: { a: 'b' } } });
    expect(a).toBe(b);
  });

  it('differ per caller, model, message and parameter that changes the answer', () => {
    const key = cacheKey(base);
    expect(cacheKey({ ...base, scope: 'key:2' })).not.toBe(key);
    expect(cacheKey({ ...base, model: 'fast' })).not.toBe(key);
    expect(cacheKey({ ...base, messages: [{ role: 'user', content: 'hi!' }] })).not.toBe(key);
    expect(cacheKey({ ...base, params: { stop: ['x'] } })).not.toBe(key);
    expect(cacheKey({ ...base, taskType: 'coding' })).not.toBe(key);
  });
});

describe('cache directives from headers', () => {
  it.each([
    [{}, 'default'],
    [{ 'cache-control': 'no-cache' }, 'skip'],
    [{ 'cache-control': 'max-age=0, no-store' }, 'skip'],
    [{ 'x-gateway-cache': 'use' }, 'use'],
    [{ 'x-gateway-cache': 'skip' }, 'skip'],
    [{ 'x-gateway-cache': 'use', 'cache-control': 'no-cache' }, 'skip'],
  ])('%j -> %s', (headers, expected) => expect(directiveOf(headers)).toBe(expected));
});

describe('the memory store', () => {
  it('forgets entries after their time to live and drops the least recently used when full', () => {
    let now = 0;
    const store = new MemoryStore<number>(2, 100, () => now);
    store.set('a', 1);
    store.set('b', 2);
    expect(store.get('a')).toBe(1);
    store.set('c', 3);
    expect(store.get('b')).toBeUndefined();
    expect(store.get('a')).toBe(1);
    now = 101;
    expect(store.get('a')).toBeUndefined();
    expect(store.size).toBe(1);
  });
});

describe('streams and kept answers', () => {
  it('a replayed answer assembles back to the same answer, tool calls included', () => {
    const response = {
      model: 'm',
      content: 'x'.repeat(150),
      toolCalls: [{ id: 'c1', type: 'function' as const, function: { name: 'f', arguments: '{"a":1}' } }],
      finishReason: 'tool_calls' as const,
      usage: { promptTokens: 3, completionTokens: 4, totalTokens: 7 },
    };
    const assembler = new StreamAssembler();
    for (const d of replayDeltas(response)) assembler.add(d);
    expect(assembler.response('m', { promptTokens: 0, completionTokens: 0, totalTokens: 0 })).toEqual(response);
  });

  it('a stream that never finished gives no answer to keep', () => {
    const assembler = new StreamAssembler();
    assembler.add({ content: 'partial' });
    expect(assembler.response('m', { promptTokens: 1, completionTokens: 1, totalTokens: 2 })).toBeUndefined();
  });
});
