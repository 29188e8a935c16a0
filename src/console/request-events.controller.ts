import { Controller, Get, OnApplicationShutdown, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { holdOpen } from '../common/http/long-lived';
import { REQUEST_EVENT_NAME, REQUEST_EVENTS_PATH } from '@ai-mcp-gateway/console-contract';
import { RequestLogService } from '../request-log/request-log.service';
import type { LoggedRequest } from '../request-log/request-log.types';
import { toRequestLogRow } from '../request-log/request-log.tools';

/** A comment line this often keeps proxies from closing an idle stream. */
export const HEARTBEAT_MS = 15_000;
/** The client reconnects after this long when the stream drops. */
const RETRY_MS = 3000;
/**
 * Bytes queued for a client that does not read: past this the stream is ended (the console reconnects and
 * reloads the last page of get_request_log), so a stalled reader never holds memory.
 */
export const MAX_QUEUED_BYTES = 1 << 20;

/** One open stream: frames are written while the socket takes them, queued (bounded) while it drains. */
class EventStream {
  private queue: string[] = [];
  private queued = 0;
  private closed = false;

  constructor(
    private readonly res: Response,
    private readonly onClose: () => void,
  ) {
    res.on('drain', () => this.flushQueue());
    res.on('close', () => this.close());
  }

  send(frame: string): void {
    if (this.closed) return;
    if (this.queue.length > 0 || this.res.writableNeedDrain) {
      this.queue.push(frame);
      this.queued += Buffer.byteLength(frame);
      if (this.queued > MAX_QUEUED_BYTES) this.end();
      return;
    }
    this.res.write(frame);
  }

  /** Ends the response (a clean end of stream: the client reconnects after `retry`). */
  end(): void {
    if (this.closed) return;
    this.close();
    this.res.end();
  }

  private flushQueue(): void {
    while (this.queue.length > 0 && !this.closed) {
      const frame = this.queue.shift()!;
      this.queued -= Buffer.byteLength(frame);
      if (!this.res.write(frame)) return;
    }
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue = [];
    this.onClose();
  }
}

/**
 * GET /events/requests: the request log as it is recorded, as server-sent events of redacted request_log
 * rows (the rows as stored: no prompt, answer or key). Scope tools:read (AuthMiddleware). One comment line
 * every 15 s; a client too slow to read is disconnected rather than buffered without bound; every stream
 * ends when the gateway stops.
 */
@Controller()
export class RequestEventsController implements OnApplicationShutdown {
  private readonly streams = new Set<EventStream>();

  constructor(private readonly log: RequestLogService) {}

  @Get(REQUEST_EVENTS_PATH.slice(1))
  open(@Req() req: Request, @Res() res: Response): void {
    res.status(200);
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-cache');
    res.setHeader('connection', 'keep-alive');
    res.setHeader('x-accel-buffering', 'no');
    res.flushHeaders();
    const cleanup: Array<() => void> = [];
    const stream = new EventStream(res, () => {
      this.streams.delete(stream);
      for (const fn of cleanup) fn();
    });
    this.streams.add(stream);
    const heartbeat = setInterval(() => stream.send(': ping\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    cleanup.push(
      () => clearInterval(heartbeat),
      this.log.subscribe((rows) => {
        for (const row of rows) stream.send(eventFrame(row));
      }),
      holdOpen(req, () => stream.end()),
    );
    res.write(`retry: ${RETRY_MS}\n: connected\n\n`);
  }

  onApplicationShutdown(): void {
    for (const stream of [...this.streams]) stream.end();
  }
}

/** One `request` event: the id line lets a client tell rows apart across reconnects. */
export function eventFrame(row: LoggedRequest): string {
  const data = JSON.stringify(toRequestLogRow(row));
  return `event: ${REQUEST_EVENT_NAME}\nid: ${row.id.replace(/[\r\n]/g, '')}\ndata: ${data}\n\n`;
}
