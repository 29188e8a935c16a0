import { checksOf, failedCheck } from './replay-checks';
import { replayRequestOf } from './replay-request';

const answer = { content: 'Hello there', toolCalls: 0, finishReason: 'stop', latencyMs: 120 };

describe('replay checks: structured, never code', () => {
  it('default: the answer must not be empty', () => {
    const checks = checksOf({});
    expect(typeof checks).toBe('object');
    if (typeof checks === 'string') return;
    expect(failedCheck(checks, answer)).toBeNull();
    expect(failedCheck(checks, { ...answer, content: '  ' })).toBe('the answer is empty');
    expect(failedCheck(checks, { ...answer, content: '', toolCalls: 1 })).toBeNull();
  });

  it('finish reason, RE2 pattern and latency each fail with the reason', () => {
    const checks = checksOf({ checks: { finishReasons: ['stop'], pattern: '^Hello', maxLatencyMs: 100 } });
    if (typeof checks === 'string') throw new Error(checks);
    expect(failedCheck(checks, { ...answer, latencyMs: 50 })).toBeNull();
    expect(failedCheck(checks, { ...answer, latencyMs: 50, finishReason: 'length' })).toMatch(/finish reason "length"/);
    expect(failedCheck(checks, { ...answer, latencyMs: 50, content: 'Bye' })).toMatch(/does not match/);
    expect(failedCheck(checks, answer)).toMatch(/over 100 ms/);
  });

  it('unreadable stored checks are said so, not thrown', () => {
    expect(checksOf({ checks: { pattern: '(a)\\1' } })).toMatch(/not a valid RE2 expression/);
    expect(checksOf({ checks: { maxLatencyMs: -1 } })).toMatch(/not readable/);
  });
});

describe('replay requests from stored snapshots', () => {
  const snapshot = (messages: unknown[], contentRedacted = true) => ({
    endpoint: 'POST /v1/chat/completions',
    body: { model: 'auto', stream: false, max_tokens: 50, messages },
    contentRedacted,
  });

  it('a redacted text becomes filler of its recorded length', () => {
    const r = replayRequestOf(snapshot([{ role: 'user', content: '[redacted: 40 chars]' }]));
    if (!('request' in r)) throw new Error(r.skip);
    expect(r.contentRedacted).toBe(true);
    expect(r.request.messages[0].content).toHaveLength(40);
    expect(r.request.params.max_tokens).toBe(50);
    expect(r.request.requestId).toMatch(/^replay-/);
  });

  it('a snapshot with a redacted image or tool arguments is skipped as redacted beyond use', () => {
    const image = replayRequestOf(
      snapshot([{ role: 'user', content: [{ type: 'image_url', image_url: { url: '[redacted image: 900 chars]' } }] }]),
    );
    expect(image).toEqual({ skip: expect.stringMatching(/redacted beyond use: an image/) });
    const tool = replayRequestOf(
      snapshot([
        { role: 'user', content: '[redacted: 5 chars]' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '[redacted: 9 chars]' } }],
        },
      ]),
    );
    expect(tool).toEqual({ skip: expect.stringMatching(/tool-call arguments/) });
  });

  it('no snapshot, or one that is no longer a valid request, is skipped with the reason', () => {
    expect(replayRequestOf(null)).toEqual({ skip: 'no replay snapshot stored' });
    expect(replayRequestOf({ body: { model: 'auto', messages: 'nope' } })).toEqual({
      skip: expect.stringMatching(/not a valid request/),
    });
  });
});
