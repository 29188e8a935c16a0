import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import fc from 'fast-check';
import request from 'supertest';
import { RecorderService } from '../src/recording/recorder.service';
import { ToolRegistry } from '../src/tools/tool-registry';
import { connectHttp } from './helpers/mcp-client';
import { startTestGateway, type TestGateway } from './helpers/test-gateway';

/**
 * Random and hostile input, at scale, at every tool (REST POST, REST GET, MCP) and at /v1/chat/completions:
 * never a 500 (nor an MCP internal error), never a crash, and never a partial write: the row counts of
 * every table change only for calls that answered 200.
 */

const TABLES = [
  'routing_rules',
  'bug_patterns',
  'regression_tests',
  'performance_metrics',
  'model_performance',
  'request_log',
  'api_keys',
  'optimizer_runs',
];

type Schema = {
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
};

/** Strings a parser, a regex engine, a database or a logger may choke on. */
const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\uD800',
    '\uDFFF\uD800',
    '\u202Eevil',
    '%00',
    "'; drop table routing_rules; --",
    '${7*7}',
    '{{7*7}}',
    '<script>alert(1)</script>',
    '../../etc/passwd',
    '__proto__',
    'constructor',
    'prototype',
    '(a+)+$',
    '(?=x)',
    '(a)\\1',
    '[',
    '\\',
    'NaN',
    'Infinity',
    '-0',
    '1e308',
    'null',
    'true',
    '😀'.repeat(1000),
    'é'.repeat(3000),
  ),
  fc.integer({ min: 1000, max: 300_000 }).map((n) => 'x'.repeat(n)),
);
const hostileNumber = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(
    0,
    -0,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER + 2,
    2 ** 31,
    -(2 ** 31) - 1,
    5e-324,
    0.1 + 0.2,
  ),
);
const nested = (depth: number, leaf: unknown = 1): unknown => {
  let v: unknown = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
};
const pollution = fc.constantFrom<Record<string, unknown>>(
  JSON.parse('{"__proto__": {"polluted": "yes"}}'),
  JSON.parse('{"constructor": {"prototype": {"polluted": "yes"}}}'),
  { prototype: { polluted: 'yes' } },
  JSON.parse('{"__proto__": null}'),
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  hostileNumber,
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue(),
  pollution,
  fc.integer({ min: 10, max: 1000 }).map((d) => nested(d)),
  fc.array(hostileString, { maxLength: 5 }),
);

/** Values shaped by the tool's JSON Schema half of the time, so that validation passes and the deeper layers are reached. */
function valueFor(schema: Schema | undefined): fc.Arbitrary<unknown> {
  const types = schema?.anyOf ? schema.anyOf.flatMap((s) => [s.type].flat()) : [schema?.type].flat();
  const typed: fc.Arbitrary<unknown>[] = [];
  if (schema?.enum) typed.push(fc.constantFrom(...schema.enum));
  if (types.includes('string')) typed.push(hostileString);
  if (types.includes('number') || types.includes('integer'))
    typed.push(hostileNumber, fc.integer({ min: -5, max: 200 }));
  if (types.includes('boolean')) typed.push(fc.boolean());
  if (types.includes('object'))
    typed.push(
      fc.dictionary(
        hostileString.filter((s) => s.length < 50),
        hostileValue,
        { maxKeys: 5 },
      ),
      pollution,
      fc.integer({ min: 10, max: 1000 }).map((d) => ({ deep: nested(d) })),
    );
  if (types.includes('array'))
    typed.push(fc.array(schema?.items ? valueFor(schema.items) : hostileValue, { maxLength: 5 }));
  return typed.length
    ? fc.oneof({ arbitrary: fc.oneof(...typed), weight: 3 }, { arbitrary: hostileValue, weight: 1 })
    : hostileValue;
}

function shapedInput(schema: Schema): fc.Arbitrary<Record<string, unknown>> {
  const props = schema.properties ?? {};
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [k, s] of Object.entries(props)) model[k] = valueFor(s);
  const keys = Object.keys(model);
  return fc
    .tuple(
      keys.length ? fc.record(model, { requiredKeys: [] }) : fc.constant({}),
      fc.option(
        fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'extra', 'toString', 'hasOwnProperty'), hostileValue),
        { nil: undefined },
      ),
    )
    .map(([a, b]) => ({ ...a, ...(b ?? {}) }));
}

/** Raw bodies: invalid JSON bytes, JSON numbers JavaScript cannot hold, deep nesting, pollution keys. */
const rawBody = fc.oneof(
  fc.json(),
  fc.string(),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
  fc.constantFrom(
    '{"value": 1e309, "name": "n", "unit": "u"}',
    '{"value": -1e309}',
    '{"limit": 123456789012345678901234567890}',
    '{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}}',
    '{"a": 1, "a": 2}',
    '{',
    '[1,2',
    '"\\ud800"',
    '{"x": "\\u0000"}',
    'null',
    '0',
    '[]',
    '\ufeff{}',
    '['.repeat(50_000) + ']'.repeat(50_000),
    '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000),
  ),
);
/** Percent-encodes any string, lone surrogates included (as the UTF-8 of U+FFFD would not be: raw bytes). */
const pct = (s: string) => [...Buffer.from(s, 'utf8')].map((b) => '%' + b.toString(16).padStart(2, '0')).join('');
const short = (v: unknown) => {
  try {
    return JSON.stringify(v).slice(0, 300);
  } catch {
    return String(v).slice(0, 300);
  }
};

/** Inputs that pass validation of the routing entry points with hostile text, so that they are routed and recorded. */
const routeInputArb = fc.record(
  {
    prompt: hostileString.filter((s) => s.length > 0),
    taskType: fc.option(
      hostileString.filter((s) => s.length > 0 && s.length <= 100),
      { nil: undefined },
    ),
    model: fc.constantFrom('auto', 'fast', 'balanced', 'deep'),
  },
  { requiredKeys: ['prompt'] },
);

const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  '',
  'application/json; charset=""',
);

describe('hostile input at scale (fast-check)', () => {
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  let gw: TestGateway;
  let mcp: Client;
  let tools: Array<{ name: string; readOnly: boolean; inputSchema: Schema }>;
  let routed200 = 0;
  const server500: string[] = [];

  const counts = async (): Promise<Record<string, number>> => {
    const sql = `select ${TABLES.map((t) => `(select count(*)::int from ${t}) as ${t}`).join(', ')}`;
    const [row] = await gw.db.fork().getConnection().execute<Record<string, number>[]>(sql);
    return Object.fromEntries(TABLES.map((t) => [t, Number(row[t])]));
  };

  /** Checks the no-partial-write rule around one call; returns the call's status. */
  const guarded = async (what: string, call: () => Promise<{ status: number; ok: boolean }>): Promise<number> => {
    const before = await counts();
    const { status, ok } = await call();
    if (status >= 500 && status !== 502 && status !== 503 && status !== 504) server500.push(`${what} -> ${status}`);
    const after = await counts();
    if (!ok) expect({ what, counts: after }).toEqual({ what, counts: before });
    return status;
  };

  beforeAll(async () => {
    process.on('unhandledRejection', onRejection);
    gw = await startTestGateway((cfg) => {
      cfg.security.rateLimit.requestsPerMinute = 1_000_000;
      // The recorder writes only when the test flushes, so that routed requests can be counted exactly.
      cfg.recording.flushIntervalMs = 600_000;
      cfg.recording.batchSize = 100_000;
      for (const p of cfg.providers)
        for (const m of (p.options as { models?: Array<{ failureRate?: number }> }).models ?? []) m.failureRate = 0;
    });
    tools = gw.app
      .get(ToolRegistry)
      .describe()
      .map((t) => ({ name: t.name, readOnly: Boolean(t.readOnly), inputSchema: t.inputSchema }));
    ({ client: mcp } = await connectHttp(gw.url));
  });
  afterAll(async () => {
    await mcp?.close().catch(() => undefined);
    await gw?.stop();
    process.off('unhandledRejection', onRejection);
  });

  const toolArb = () => fc.constantFrom(...tools);

  it('REST POST: schema-shaped hostile values for every tool', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          toolArb().chain((t) => fc.tuple(fc.constant(t), shapedInput(t.inputSchema))),
          routeInputArb.map((input) => [tools.find((t) => t.name === 'route')!, input] as const),
        ),
        async ([tool, input]) => {
          const status = await guarded(`POST ${tool.name} ${short(input)}`, async () => {
            const res = await request(gw.url).post(`/tools/${tool.name}`).send(input);
            if (tool.name === 'route' && res.status === 200) routed200++;
            return { status: res.status, ok: res.status === 200 };
          });
          expect(status).not.toBe(500);
        },
      ),
      { numRuns: 150 },
    );
    expect(server500).toEqual([]);
  }, 120_000);

  it('REST POST: raw bodies (invalid JSON, huge numbers, deep nesting) with any content type', async () => {
    await fc.assert(
      fc.asyncProperty(toolArb(), rawBody, contentType, async (tool, body, type) => {
        const status = await guarded(`POST ${tool.name} raw ${String(body).slice(0, 200)} as ${type}`, async () => {
          let req = request(gw.url).post(`/tools/${tool.name}`);
          if (type) req = req.set('content-type', type);
          const res = await req.send(typeof body === 'string' ? body : body);
          if (tool.name === 'route' && res.status === 200) routed200++;
          return { status: res.status, ok: res.status === 200 };
        });
        expect(status).not.toBe(500);
      }),
      { numRuns: 100 },
    );
    expect(server500).toEqual([]);
  }, 120_000);

  it('REST GET: hostile query strings (brackets, repeats, pollution keys) for read-only tools and the rest', async () => {
    const key = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom(
        'limit',
        'offset',
        'activeOnly',
        'taskType',
        'includeReport',
        'category',
        '__proto__',
        '__proto__[polluted]',
        'constructor[prototype][polluted]',
        'a[b][c]',
        'limit[]',
        'x'.repeat(5000),
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        toolArb(),
        fc.array(
          fc.tuple(
            key,
            hostileString.filter((s) => s.length < 20_000),
          ),
          { maxLength: 6 },
        ),
        async (tool, pairs) => {
          const qs = pairs.map(([k, v]) => `${pct(k).replace(/%5b/g, '[').replace(/%5d/g, ']')}=${pct(v)}`).join('&');
          const status = await guarded(`GET ${tool.name}?${qs.slice(0, 300)}`, async () => {
            const res = await request(gw.url).get(`/tools/${tool.name}?${qs}`);
            return { status: res.status, ok: res.status === 200 };
          });
          expect(status).not.toBe(500);
          if (!tool.readOnly) expect([405, 414, 431]).toContain(status);
        },
      ),
      { numRuns: 100 },
    );
    expect(server500).toEqual([]);
  }, 120_000);

  it('MCP (official SDK client): hostile arguments to every tool never produce an internal error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          toolArb().chain((t) =>
            fc.tuple(
              fc.constant(t),
              fc.oneof(shapedInput(t.inputSchema), fc.dictionary(fc.string(), hostileValue, { maxKeys: 4 })),
            ),
          ),
          routeInputArb.map(
            (input) => [tools.find((t) => t.name === 'route')!, input as Record<string, unknown>] as const,
          ),
        ),
        async ([tool, args]) => {
          await guarded(`MCP ${tool.name} ${short(args)}`, async () => {
            try {
              const result = await mcp.callTool({ name: tool.name, arguments: args });
              if (tool.name === 'route' && !result.isError) routed200++;
              return { status: result.isError ? 400 : 200, ok: !result.isError };
            } catch (err) {
              // A protocol-level refusal is fine (invalid params); an internal error is not.
              if (!(err instanceof McpError)) throw err;
              expect(err.code).not.toBe(ErrorCode.InternalError);
              return { status: 400, ok: false };
            }
          });
        },
      ),
      { numRuns: 120 },
    );
  }, 120_000);

  it('/v1/chat/completions: hostile bodies never 500, and only routed requests are logged', async () => {
    const message = fc.record(
      {
        role: fc.oneof(fc.constantFrom('user', 'system', 'assistant', 'tool', 'developer'), hostileString),
        content: fc.oneof(hostileString, fc.constant(null), hostileValue),
      },
      { requiredKeys: [] },
    );
    const body = fc.oneof(
      fc.record({
        model: fc.constantFrom('auto', 'fast', 'deep'),
        messages: fc.array(
          fc.record({ role: fc.constantFrom('user', 'system', 'assistant'), content: hostileString }),
          { minLength: 1, maxLength: 3 },
        ),
      }),
      fc.record(
        {
          model: fc.oneof(fc.constantFrom('auto', 'fast', 'balanced', 'deep', 'sim-fast'), hostileString),
          messages: fc.oneof(fc.array(message, { maxLength: 4 }), hostileValue),
          stream: fc.oneof(fc.boolean(), hostileValue),
          max_tokens: fc.oneof(hostileNumber, hostileValue),
          temperature: hostileNumber,
          tools: hostileValue,
          __proto__: hostileValue,
        },
        { requiredKeys: [] },
      ),
      hostileValue,
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof({ arbitrary: body, weight: 3 }, { arbitrary: rawBody, weight: 1 }),
        contentType,
        async (b, type) => {
          const res = await request(gw.url)
            .post('/v1/chat/completions')
            .set('content-type', type || 'application/json')
            .send(typeof b === 'string' || Buffer.isBuffer(b) ? b : JSON.stringify(b));
          if (res.status >= 500) server500.push(`chat ${short(b)} -> ${res.status} ${res.text.slice(0, 200)}`);
          if (res.status === 200) routed200++;
          expect(res.status).toBeLessThan(500);
        },
      ),
      { numRuns: 150 },
    );
    expect(server500).toEqual([]);
  }, 120_000);

  it('afterwards: the process is up, nothing polluted, every routed request (and only those) reaches request_log', async () => {
    const health = await request(gw.url).get('/health').expect(200);
    if (health.body.status !== 'ok') console.log(JSON.stringify(health.body.checks));
    expect(health.body.status).toBe('ok');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
    const recorder = gw.app.get(RecorderService);
    await recorder.flush();
    expect(recorder.pending).toEqual({ requests: 0, failures: 0 });
    expect((await request(gw.url).get('/health')).body.checks.recorder).toMatchObject({ degraded: false, dropped: 0 });
    const { request_log } = await counts();
    expect(request_log).toBe(routed200);
    expect(rejections).toEqual([]);
    console.log(`property figures: routed 200s=${routed200}, request_log=${request_log}`);
  }, 60_000);
});
