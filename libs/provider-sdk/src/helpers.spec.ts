import { errorFromStatus } from './errors';
import { expectShape } from './validate';
import { collectStream, splitText } from './stream';
import { estimateMessagesTokens, estimateTokens, makeUsage } from './tokens';
import { modelListSchema, readApiKey, toModelInfos } from './options';
import { z } from 'zod';

describe('estimateTokens', () => {
  it('counts about four characters per token, deterministically', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens(null)).toBe(0);
    expect(estimateTokens('abcd')).toBe(1);
    expect(estimateTokens('abcde')).toBe(2);
    expect(estimateTokens('x'.repeat(400))).toBe(100);
  });

  it('adds framing per message and counts tool-call arguments', () => {
    expect(estimateMessagesTokens([{ role: 'user', content: 'abcd' }])).toBe(5);
    const call = { id: '1', type: 'function' as const, function: { name: 'abcd', arguments: '{"a":1}' } };
    expect(estimateMessagesTokens([{ role: 'assistant', content: null, tool_calls: [call] }])).toBe(4 + 1 + 2);
    expect(makeUsage(3, 4)).toEqual({ promptTokens: 3, completionTokens: 4, totalTokens: 7 });
  });
});

describe('collectStream and splitText', () => {
  // A stream with nothing to wait for: the helpers take any AsyncIterable.
  // eslint-disable-next-line @typescript-eslint/require-await
  async function* deltas() {
    yield { content: 'Hel' };
    yield { toolCalls: [{ index: 1, id: 'b', type: 'function' as const, function: { name: 'g', arguments: '{"x"' } }] };
    yield { content: 'lo', toolCalls: [{ index: 0, id: 'a', function: { name: 'f', arguments: '{}' } }] };
    yield { toolCalls: [{ index: 1, function: { name: '', arguments: ':1}' } }] };
    yield { finishReason: 'tool_calls' as const, usage: makeUsage(1, 2) };
  }

  it('joins content, merges tool-call fragments by index and keeps the finish', async () => {
    const out = await collectStream(deltas());
    expect(out.content).toBe('Hello');
    expect(out.toolCalls).toEqual([
      { id: 'a', type: 'function', function: { name: 'f', arguments: '{}' } },
      { id: 'b', type: 'function', function: { name: 'g', arguments: '{"x":1}' } },
    ]);
    expect(out.finishReason).toBe('tool_calls');
    expect(out.deltas).toBe(5);
  });

  it('splits text into pieces that join back to the text', () => {
    const text = 'one two three four five six seven';
    const parts = splitText(text, 3);
    expect(parts.length).toBe(3);
    expect(parts.join('')).toBe(text);
    expect(splitText('')).toEqual([]);
  });
});

describe('errorFromStatus, expectShape, options helpers', () => {
  it('maps statuses and Retry-After', () => {
    expect(errorFromStatus(429, 'x', '3')).toMatchObject({ kind: 'rate_limited', retryAfterMs: 3000, retryable: true });
    expect(errorFromStatus(401, 'x')).toMatchObject({ kind: 'auth', retryable: false });
    expect(errorFromStatus(529, 'x')).toMatchObject({ kind: 'upstream', retryable: true });
  });

  it('turns a shape mismatch into malformed_response naming the path', () => {
    const schema = z.object({ a: z.object({ b: z.number() }) });
    expect(expectShape(schema, { a: { b: 1 } }, 'thing')).toEqual({ a: { b: 1 } });
    expect(() => expectShape(schema, { a: { b: 'x' } }, 'thing')).toThrow(/thing has an unexpected shape at a\.b/);
  });

  it('reads API keys through ctx.env and reports a missing one by name only', () => {
    const warnings: string[] = [];
    const ctx = {
      providerId: 'p',
      env: (n: string) => (n === 'K' ? 'secret' : undefined),
      logger: {
        debug() {},
        info() {},
        error() {},
        warn: (m: string, d?: object) => void warnings.push(m + JSON.stringify(d)),
      },
    };
    expect(readApiKey(ctx, 'K')).toEqual({ key: 'secret' });
    expect(readApiKey(ctx, undefined)).toEqual({});
    const missing = readApiKey(ctx, 'NOPE');
    expect(missing.missing?.kind).toBe('auth');
    expect(warnings.join()).toContain('NOPE');
  });

  it('accepts model lists of ids and objects', () => {
    expect(toModelInfos(modelListSchema.parse(['a', { id: 'b', contextWindow: 10 }]), 'me')).toEqual([
      { id: 'a', ownedBy: 'me' },
      { id: 'b', contextWindow: 10, ownedBy: 'me' },
    ]);
    expect(modelListSchema.safeParse([]).success).toBe(false);
  });
});
