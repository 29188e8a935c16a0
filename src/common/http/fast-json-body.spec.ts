import { json } from 'express';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { bodySizeBytes, fastJsonBody, type JsonParser } from './fast-json-body';

/** What a parser made of a request: the body it set, or the error it passed on (the fields the gateway maps). */
function serve(parser: JsonParser, seen: { calls: number }): Server {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    parser(req, res, (err?: unknown) => {
      seen.calls++;
      const e = err as { status?: number; type?: string; message?: string; body?: string } | undefined;
      const outcome = e
        ? { error: { status: e.status, type: e.type, message: e.message, body: e.body } }
        : { body: (req as { body?: unknown }).body ?? null };
      res.end(JSON.stringify(outcome));
    });
  });
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

function send(port: number, headers: Record<string, string>, body: Buffer | string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ port, host: '127.0.0.1', method: 'POST', path: '/', headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    if (Array.isArray(body)) for (const part of body) req.write(part);
    else req.write(body);
    req.end();
  });
}

describe('fastJsonBody', () => {
  const limit = '1kb';
  const plain = { calls: 0 };
  const fast = { calls: 0 };
  let servers: Server[];
  let parserPort: number;
  let fastPort: number;
  let handedOver = 0;

  beforeAll(async () => {
    const parser = json({ limit });
    const counted: JsonParser = (req, res, next) => {
      handedOver++;
      parser(req, res, next);
    };
    servers = [serve(json({ limit }), plain), serve(fastJsonBody(counted, bodySizeBytes(limit)), fast)];
    [parserPort, fastPort] = await Promise.all(servers.map(listen));
  });
  afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

  const JSON_TYPE = 'application/json';
  // The last field: read the fast way (true) or handed over to the parser.
  const cases: Array<[string, Record<string, string>, Buffer | string[], boolean]> = [
    [
      'an object',
      { 'content-type': JSON_TYPE },
      Buffer.from('{"model":"auto","messages":[{"role":"user","content":"hé"}]}'),
      true,
    ],
    ['an array', { 'content-type': 'application/json; charset=utf-8' }, Buffer.from('[1,2]'), true],
    ['malformed JSON', { 'content-type': JSON_TYPE }, Buffer.from('{"model":'), false],
    ['a scalar', { 'content-type': JSON_TYPE }, Buffer.from('"text"'), false],
    ['null', { 'content-type': JSON_TYPE }, Buffer.from('null'), false],
    ['leading spaces', { 'content-type': JSON_TYPE }, Buffer.from('  {"a":1}'), false],
    ['a byte-order mark', { 'content-type': JSON_TYPE }, Buffer.from('\ufeff{"a":1}'), false],
    ['an empty body', { 'content-type': JSON_TYPE, 'content-length': '0' }, Buffer.alloc(0), false],
    ['another charset', { 'content-type': 'application/json; charset=latin1' }, Buffer.from('{"a":1}'), false],
    ['upper-case charset', { 'content-type': 'application/json; charset=UTF-8' }, Buffer.from('{"a":1}'), true],
    ['text/plain', { 'content-type': 'text/plain' }, Buffer.from('{"a":1}'), false],
    ['gzip', { 'content-type': JSON_TYPE, 'content-encoding': 'gzip' }, gzipSync('{"a":1}'), false],
    ['too large', { 'content-type': JSON_TYPE }, Buffer.from(`{"a":"${'x'.repeat(2000)}"}`), false],
    ['chunked', { 'content-type': JSON_TYPE, 'transfer-encoding': 'chunked' }, ['{"a":', '1}'], false],
    ['in several packets', { 'content-type': JSON_TYPE, 'content-length': '13' }, ['{"a":', '"bcdef"}'], true],
    [
      'invalid UTF-8',
      { 'content-type': JSON_TYPE },
      Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]),
      true,
    ],
  ];

  it.each(cases)('reads %s exactly as body-parser does', async (_name, headers, body, readFast) => {
    const before = handedOver;
    const sized =
      Array.isArray(body) || headers['content-length']
        ? headers
        : { ...headers, 'content-length': String(body.length) };
    const [expected, actual] = await Promise.all([send(parserPort, sized, body), send(fastPort, sized, body)]);
    expect(actual).toBe(expected);
    expect(handedOver - before).toBe(readFast ? 0 : 1);
  });

  it('calls next once per request', () => {
    expect(fast.calls).toBe(cases.length);
    expect(plain.calls).toBe(cases.length);
  });

  it('reads the config sizes as body-parser does', () => {
    expect(bodySizeBytes('512b')).toBe(512);
    expect(bodySizeBytes('4KB')).toBe(4096);
    expect(bodySizeBytes('32mb')).toBe(32 * 1024 * 1024);
    expect(() => bodySizeBytes('1gb')).toThrow(/not a body size/);
  });
});
