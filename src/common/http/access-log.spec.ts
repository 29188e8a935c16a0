import { Logger as NestLogger } from '@nestjs/common';
import express, { json } from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino, { Logger } from 'pino';
import { nestLogger } from '../logging/logger';
import { requestLogBinding } from '../logging/request-logger';
import { accessLog, InFlightCounter } from './access-log';

/** A pino logger whose lines land in `lines` (parsed), written synchronously. */
function capturedLogger(level: string): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const text of chunk.toString().split('\n'))
        if (text) lines.push(JSON.parse(text) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level, base: { pid: 1 } }, stream), lines };
}

describe('accessLog with requestLogBinding', () => {
  let server: Server;
  let base: string;
  const counts = { entered: 0, left: 0 };
  const inFlight: InFlightCounter = {
    enter: () => counts.entered++,
    leave: () => counts.left++,
    hold: () => () => undefined,
  };

  async function start(logger: Logger, logInside: boolean): Promise<void> {
    NestLogger.overrideLogger(nestLogger(logger));
    const app = express();
    app.use(accessLog(logger, inFlight), json(), requestLogBinding(logger));
    app.post('/echo', async (req, res) => {
      await new Promise((resolve) => setTimeout(resolve, 5)); // the context survives an await
      if (logInside) new NestLogger('Echo').log('inside the request');
      res.json({ got: req.body as unknown });
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  afterEach(async () => {
    counts.entered = counts.left = 0;
    await new Promise((resolve) => server.close(resolve));
  });

  const post = () =>
    fetch(`${base}/echo?secret=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'client-7' },
      body: '{"a":1}',
    });

  it('gives the request an id, a log line inside it that id, and one access line', async () => {
    const { logger, lines } = capturedLogger('info');
    await start(logger, true);
    const res = await post();
    expect(await res.json()).toEqual({ got: { a: 1 } });
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('x-client-request-id')).toBe('client-7');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(lines.find((l) => l.msg === 'inside the request')).toMatchObject({ reqId: id, context: 'Echo' });
    const access = lines.filter((l) => l.msg === 'request');
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({ level: 30, reqId: id, method: 'POST', url: '/echo', status: 200 });
    expect(typeof access[0].ms).toBe('number');
    expect(counts).toEqual({ entered: 1, left: 1 });
  });

  it('makes no child logger for a request that logs nothing, and no access line above info', async () => {
    const { logger, lines } = capturedLogger('warn');
    const child = jest.spyOn(logger, 'child');
    await start(logger, false);
    const res = await post();
    expect(res.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(child).not.toHaveBeenCalled();
    expect(lines).toEqual([]);
    expect(counts).toEqual({ entered: 1, left: 1 });
  });
});
