import { createParser, type EventSourceMessage } from 'eventsource-parser';
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

/**
 * Bounds the line the parser holds between chunks, so that a broken upstream cannot grow memory
 * without bound: counts the characters since the last line break, across chunks.
 */
class LineLengthCap {
  private pending = 0;

  constructor(private readonly maxLineLength: number) {}

  check(text: string): void {
    const lastBreak = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
    this.pending = lastBreak < 0 ? this.pending + text.length : text.length - lastBreak - 1;
    if (this.pending > this.maxLineLength) {
      throw new ProviderError(
        'malformed_response',
        `server-sent event line longer than ${this.maxLineLength} characters`,
      );
    }
  }
}

function toEvent(message: EventSourceMessage): SSEEvent {
  const ev: SSEEvent = { data: message.data };
  if (message.event) ev.event = message.event;
  if (message.id !== undefined) ev.id = message.id;
  return ev;
}

/**
 * Parses a server-sent-event body into events. eventsource-parser reads the EventSource grammar
 * (CRLF/CR/LF line ends split across chunks, multi-line data, comments, a leading BOM); this wrapper
 * adds the line cap, the `[DONE]` terminator and leniency at the end: an event left without its
 * closing blank line at the end of the body is still delivered, as most clients do, and callers
 * decide whether the stream was complete. Leaving the loop early cancels the underlying body.
 */
export async function* parseSSE(source: SSESource, options: ParseSSEOptions = {}): AsyncGenerator<SSEEvent> {
  const doneData = options.doneData === undefined ? '[DONE]' : options.doneData;
  const decoder = new TextDecoder();
  const cap = new LineLengthCap(options.maxLineLength ?? DEFAULT_MAX_LINE);
  const parsed: SSEEvent[] = [];
  const parser = createParser({ onEvent: (message) => parsed.push(toEvent(message)) });
  // The event is this parser's own (toEvent): marked in place, as a copy by spread it got a V8 hidden class of its own.
  const finish = (ev: SSEEvent): SSEEvent => {
    if (doneData !== null && ev.data === doneData) ev.done = true;
    return ev;
  };

  for await (const chunk of chunksOf(source, options.destroyOnReturn ?? true)) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    cap.check(text);
    parser.feed(text);
    for (let ev = parsed.shift(); ev; ev = parsed.shift()) {
      const out = finish(ev);
      yield out;
      if (out.done) return;
    }
  }
  // The end of the body ends the last line and the last event.
  parser.feed(`${decoder.decode()}\n\n`);
  for (const ev of parsed) {
    const out = finish(ev);
    yield out;
    if (out.done) return;
  }
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
