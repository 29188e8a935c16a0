import { EventSourceParserStream } from 'eventsource-parser/stream';
import { GatewayClient, ToolCallError, UnauthorizedError } from './client';

export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'stopped';

export interface StreamHandlers {
  onEvent: (event: string, data: string) => void;
  onStatus: (status: StreamStatus, error?: Error) => void;
  /** Called on each (re)connect, before the first event: reload what was missed. */
  onConnect?: () => void;
}

const RETRY_MS = [1000, 2000, 5000, 10_000];

/**
 * Reads a server-sent event stream with fetch and a ReadableStream: EventSource cannot send the bearer
 * header. Reconnects with backoff until `signal` aborts; 401, 403 and 404 stop it (retrying cannot help).
 */
export async function followEvents(
  client: GatewayClient,
  path: string,
  signal: AbortSignal,
  h: StreamHandlers,
): Promise<void> {
  let attempt = 0;
  while (!signal.aborted) {
    h.onStatus(attempt === 0 ? 'connecting' : 'reconnecting');
    try {
      const res = await fetch(path, {
        headers: client.headers({ accept: 'text/event-stream' }),
        signal,
        credentials: 'omit',
        cache: 'no-store',
      });
      if (!res.ok || !res.body) {
        const body = { error: `${path} answered HTTP ${res.status}` };
        throw res.status === 401 ? new UnauthorizedError(401, body) : new ToolCallError(res.status, body);
      }
      attempt = 0;
      h.onConnect?.();
      h.onStatus('live');
      const events = res.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
      const reader = events.getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        h.onEvent(value.event ?? 'message', value.data);
      }
    } catch (err) {
      if (signal.aborted) break;
      if (err instanceof ToolCallError && [401, 403, 404].includes(err.status)) {
        h.onStatus('stopped', err);
        return;
      }
    }
    if (signal.aborted) break;
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]));
    attempt += 1;
  }
  h.onStatus('stopped');
}
