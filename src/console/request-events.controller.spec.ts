import { EventEmitter } from 'node:events';
import type { Request, Response } from 'express';
import type { RequestLogService } from '../request-log/request-log.service';
import type { LoggedRequest } from '../request-log/request-log.types';
import { MAX_QUEUED_BYTES, RequestEventsController } from './request-events.controller';

/** A response whose socket takes `capacity` writes, then needs a drain that never comes (a stalled reader). */
class StalledResponse extends EventEmitter {
  written: string[] = [];
  ended = false;
  writableNeedDrain = false;
  headers: Record<string, string> = {};
  constructor(private capacity: number) {
    super();
  }
  status() {
    return this;
  }
  setHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  flushHeaders() {}
  write(chunk: string) {
    this.written.push(chunk);
    if (--this.capacity <= 0) this.writableNeedDrain = true;
    return !this.writableNeedDrain;
  }
  end() {
    this.ended = true;
    this.emit('close');
  }
}

const row = (id: string): LoggedRequest => ({
  id,
  ts: new Date('2026-12-01T10:00:00.000Z'),
  taskType: 'chat',
  layer: 'fast',
  model: 'sim-fast',
  ruleId: null,
  strategyArm: 'learned',
  tokensIn: 3,
  tokensOut: 4,
  cost: 0.001,
  latencyMs: 12,
  success: true,
  errorClass: null,
  feedbackScore: null,
  attempts: 1,
  stream: false,
});

function setup(capacity: number) {
  const listeners = new Set<(rows: readonly LoggedRequest[]) => void>();
  const log = {
    subscribe: (l: (rows: readonly LoggedRequest[]) => void) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  } as unknown as RequestLogService;
  const controller = new RequestEventsController(log);
  const res = new StalledResponse(capacity);
  controller.open({} as Request, res as unknown as Response);
  return { controller, res, listeners, publish: (rows: LoggedRequest[]) => listeners.forEach((l) => l(rows)) };
}

describe('the live request stream', () => {
  it('sends each stored row as a `request` event with its id, after the retry line', () => {
    const { res, publish } = setup(100);
    publish([row('a'), row('b')]);
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(res.headers['x-accel-buffering']).toBe('no');
    expect(res.written[0]).toMatch(/^retry: \d+\n/);
    expect(res.written[1]).toBe(
      `event: request\nid: a\ndata: ${JSON.stringify({ ...row('a'), ts: '2026-12-01T10:00:00.000Z' })}\n\n`,
    );
    expect(res.written[2]).toContain('id: b\n');
  });

  it('queues while the socket drains, and ends a reader that stalls past the bound instead of buffering for ever', () => {
    const { res, publish, listeners } = setup(2);
    const frame = JSON.stringify(row('x')).length;
    const n = Math.ceil(MAX_QUEUED_BYTES / frame) + 10;
    for (let i = 0; i < n && !res.ended; i++) publish([row(`r${i}`)]);
    expect(res.ended).toBe(true);
    expect(res.written.length).toBe(2);
    expect(listeners.size).toBe(0);
  });

  it('writes what was queued once the socket drains', () => {
    const { res, publish } = setup(2);
    publish([row('1'), row('2'), row('3')]);
    expect(res.written).toHaveLength(2);
    res.writableNeedDrain = false;
    (res as unknown as { capacity: number }).capacity = 10;
    res.emit('drain');
    expect(res.written.map((w) => /id: (\w+)/.exec(w)?.[1] ?? null)).toEqual([null, '1', '2', '3']);
  });

  it('ends every open stream when the gateway shuts down', () => {
    const { controller, res, listeners } = setup(100);
    controller.onApplicationShutdown();
    expect(res.ended).toBe(true);
    expect(listeners.size).toBe(0);
  });
});
