import { ProviderError } from './errors';

/** One server-sent event. `done` is set on the OpenAI-style `data: [DONE]` terminator. */
export interface SSEEvent {
  event?: string;
  data: string;
  id?: string;
  done?: boolean;
}

/** What parseSSE reads: a web ReadableStream, a node Readable, or any async iterable of chunks. */
export type SSESource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array | string>;

export interface ParseSSEOptions {
  /** Data value that ends the stream (yielded once with done: true, then reading stops). Default '[DONE]'; null disables. */
  doneData?: string | null;
  /** Longest accepted line, in characters, so that a broken upstream cannot grow memory without bound. */
  maxLineLength?: number;
  /**
   * Whether leaving the loop early destroys a node Readable source (default true). HTTP clients
   * pass false and drain the body themselves, so that the keep-alive connection survives.
   */
  destroyOnReturn?: boolean;
}

const DEFAULT_MAX_LINE = 8 * 1024 * 1024;

type IterableReadable = AsyncIterable<Uint8Array | string> & {
  iterator(opts: { destroyOnReturn: boolean }): AsyncIterable<Uint8Array | string>;
};

async function* chunksOf(source: SSESource, destroyOnReturn: boolean): AsyncGenerator<Uint8Array | string> {
  if (typeof (source as Partial<IterableReadable>).iterator === 'function') {
    yield* (source as IterableReadable).iterator({ destroyOnReturn });
    return;
  }
  if (Symbol.asyncIterator in source) {
    yield* source as AsyncIterable<Uint8Array | string>;
    return;
  }
  // Web streams without async iteration (older runtimes): read through a reader, cancel on early exit.
  const reader = (source as ReadableStream<Uint8Array>).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

/** Splits decoded text into lines on CRLF, LF or CR, keeping the unfinished tail between chunks. */
class LineSplitter {
  private buffer = '';
  private lastWasCR = false;

  constructor(private readonly maxLineLength: number) {}

  push(text: string): string[] {
    // A CR ending the previous chunk already closed its line; a LF opening this chunk belongs to it.
    if (this.lastWasCR && text.startsWith('\n')) text = text.slice(1);
    this.lastWasCR = text.endsWith('\r');
    const parts = (this.buffer + text).split(/\r\n|\r|\n/);
    this.buffer = parts.pop() ?? '';
    if (this.buffer.length > this.maxLineLength) {
      throw new ProviderError(
        'malformed_response',
        `server-sent event line longer than ${this.maxLineLength} characters`,
      );
    }
    return parts;
  }

  flush(): string[] {
    const rest = this.buffer;
    this.buffer = '';
    return rest ? [rest] : [];
  }
}

/** Accumulates fields of one event (per the EventSource spec) until a blank line dispatches it. */
class EventBuilder {
  private data: string[] = [];
  private event?: string;
  private id?: string;

  /** Returns the finished event on a blank line, if it carried data. */
  line(line: string): SSEEvent | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined; // comment, e.g. keep-alive
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id') this.id = value;
    return undefined;
  }

  dispatch(): SSEEvent | undefined {
    const hasData = this.data.length > 0;
    const ev: SSEEvent = { data: this.data.join('\n') };
    if (this.event) ev.event = this.event;
    if (this.id !== undefined) ev.id = this.id;
    this.data = [];
    this.event = undefined;
    return hasData ? ev : undefined;
  }
}

/**
 * Parses a server-sent-event body into events. Handles CRLF/CR/LF line ends split across chunks,
 * multi-line data, comments and the `[DONE]` terminator. An event left without its closing blank
 * line at the end of the body is still delivered (lenient, as most clients are); callers decide
 * whether the stream was complete. Leaving the loop early cancels the underlying body.
 */
export async function* parseSSE(source: SSESource, options: ParseSSEOptions = {}): AsyncGenerator<SSEEvent> {
  const doneData = options.doneData === undefined ? '[DONE]' : options.doneData;
  const decoder = new TextDecoder();
  const lines = new LineSplitter(options.maxLineLength ?? DEFAULT_MAX_LINE);
  const builder = new EventBuilder();
  const finish = (ev: SSEEvent): SSEEvent => (doneData !== null && ev.data === doneData ? { ...ev, done: true } : ev);

  for await (const chunk of chunksOf(source, options.destroyOnReturn ?? true)) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    for (const line of lines.push(text)) {
      const ev = builder.line(line);
      if (!ev) continue;
      const out = finish(ev);
      yield out;
      if (out.done) return;
    }
  }
  const tail = decoder.decode();
  for (const line of [...lines.push(tail), ...lines.flush()]) {
    const ev = builder.line(line);
    if (ev) {
      yield finish(ev);
      if (ev.data === doneData) return;
    }
  }
  const last = builder.dispatch();
  if (last) yield finish(last);
}

/** Parses an event's data as JSON; a broken payload is the upstream's fault (malformed_response). */
export function parseEventJson<T = unknown>(ev: SSEEvent, what = 'stream event'): T {
  try {
    return JSON.parse(ev.data) as T;
  } catch (err) {
    throw new ProviderError('malformed_response', `${what} is not valid JSON: ${ev.data.slice(0, 200)}`, {
      cause: err,
    });
  }
}
