import { createParser, EventSourceMessage } from 'eventsource-parser';

/** Reads a server-sent event stream with fetch (as the console does): `opened` once headers arrived, `take(n)` the first n events. */
export function readEvents(
  url: string,
  signal: AbortSignal,
  headers: Record<string, string> = {},
): { opened: Promise<Response>; take(n: number, timeoutMs: number): Promise<EventSourceMessage[]> } {
  const events: EventSourceMessage[] = [];
  const waiters: Array<() => void> = [];
  const parser = createParser({
    onEvent: (e) => {
      events.push(e);
      waiters.splice(0).forEach((w) => w());
    },
  });
  const opened = fetch(url, { headers, signal }).then((res) => {
    void (async () => {
      const decoder = new TextDecoder();
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>)
          parser.feed(decoder.decode(chunk, { stream: true }));
      } catch {
        // aborted by the test
      }
    })();
    return res;
  });
  return {
    opened,
    async take(n, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (events.length < n) {
        if (Date.now() > deadline) throw new Error(`only ${events.length} of ${n} events within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
      return events.slice(0, n);
    },
  };
}
