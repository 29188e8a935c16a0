import { Readable } from 'node:stream';
import { ProviderError } from './errors';
import { parseEventJson, parseSSE, type SSEEvent } from './sse';

async function events(chunks: Array<string | Uint8Array>, opts?: Parameters<typeof parseSSE>[1]): Promise<SSEEvent[]> {
  const out: SSEEvent[] = [];
  for await (const ev of parseSSE(Readable.from(chunks), opts)) out.push(ev);
  return out;
}

describe('parseSSE', () => {
  it('parses data events separated by blank lines', async () => {
    expect(await events(['data: a\n\ndata: b\n\n'])).toEqual([{ data: 'a' }, { data: 'b' }]);
  });

  it('joins multi-line data with newlines and keeps event names and ids', async () => {
    expect(await events(['event: delta\nid: 7\ndata: line one\ndata: line two\n\n'])).toEqual([
      { event: 'delta', id: '7', data: 'line one\nline two' },
    ]);
  });

  it('handles CRLF and CR line ends, also when CRLF is split between chunks', async () => {
    expect(await events(['data: a\r\n\r\ndata: b\r', '\n\r\ndata: c\r\r'])).toEqual([
      { data: 'a' },
      { data: 'b' },
      { data: 'c' },
    ]);
  });

  it('reassembles lines and UTF-8 characters split across chunks', async () => {
    const bytes = Buffer.from('data: héllo wörld\n\n');
    const chunks = [bytes.subarray(0, 8), bytes.subarray(8, 15), bytes.subarray(15)];
    expect(await events(chunks)).toEqual([{ data: 'héllo wörld' }]);
  });

  it('skips comments and events without data', async () => {
    expect(await events([': keep-alive\n\nevent: ping\n\ndata: x\n\n'])).toEqual([{ data: 'x' }]);
  });

  it('strips exactly one space after the colon, and accepts fields without one', async () => {
    expect(await events(['data:tight\n\ndata:  two spaces\n\n'])).toEqual([{ data: 'tight' }, { data: ' two spaces' }]);
  });

  it('stops at [DONE], flags it, and ignores what follows', async () => {
    expect(await events(['data: a\n\ndata: [DONE]\n\ndata: after\n\n'])).toEqual([
      { data: 'a' },
      { data: '[DONE]', done: true },
    ]);
  });

  it('can treat [DONE] as ordinary data', async () => {
    expect(await events(['data: [DONE]\n\ndata: b\n\n'], { doneData: null })).toEqual([
      { data: '[DONE]' },
      { data: 'b' },
    ]);
  });

  it('delivers a last event that lacks its closing blank line', async () => {
    expect(await events(['data: a\n\ndata: tail'])).toEqual([{ data: 'a' }, { data: 'tail' }]);
  });

  it('reads web ReadableStreams', async () => {
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('data: 1\n\nda'));
        c.enqueue(new TextEncoder().encode('ta: 2\n\n'));
        c.close();
      },
    });
    const out: string[] = [];
    for await (const ev of parseSSE(body)) out.push(ev.data);
    expect(out).toEqual(['1', '2']);
  });

  it('cancels the source when the consumer stops early', async () => {
    const source = Readable.from(['data: 1\n\n', 'data: 2\n\n', 'data: 3\n\n']);
    for await (const ev of parseSSE(source)) if (ev.data === '1') break;
    expect(source.destroyed).toBe(true);
  });

  it('leaves the source open on early exit when asked to', async () => {
    const source = Readable.from(['data: 1\n\n', 'data: 2\n\n']);
    for await (const ev of parseSSE(source, { destroyOnReturn: false })) if (ev.data === '1') break;
    expect(source.destroyed).toBe(false);
    source.destroy();
  });

  it('refuses a line longer than maxLineLength with malformed_response', async () => {
    await expect(events(['data: ' + 'x'.repeat(100)], { maxLineLength: 50 })).rejects.toMatchObject({
      kind: 'malformed_response',
    });
  });

  it('counts a line across chunks for the cap, and only the line: a long body of short lines passes', async () => {
    const x = 'x'.repeat(30);
    await expect(events(['data: ', x, x], { maxLineLength: 50 })).rejects.toMatchObject({
      kind: 'malformed_response',
    });
    const ok = await events([`data: ${x}\n\ndata: `, `${x}\n\n`, `data: ${x}\n\n`], { maxLineLength: 50 });
    expect(ok.map((e) => e.data)).toEqual([x, x, x]);
  });

  it('ignores a byte order mark at the start of the body', async () => {
    expect(await events([Buffer.from('\uFEFFdata: a\n\n')])).toEqual([{ data: 'a' }]);
  });

  it('passes errors of the source through', async () => {
    const source = new Readable({ read() {} });
    source.push('data: 1\n\n');
    setImmediate(() => source.destroy(new Error('socket hang up')));
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const ev of parseSSE(source)) seen.push(ev.data);
      })(),
    ).rejects.toThrow('socket hang up');
    expect(seen).toEqual(['1']);
  });
});

describe('parseEventJson', () => {
  it('parses JSON data and reports broken data as malformed_response', () => {
    expect(parseEventJson({ data: '{"a":1}' })).toEqual({ a: 1 });
    let err: unknown;
    try {
      parseEventJson({ data: '{"a":' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).kind).toBe('malformed_response');
  });
});
