import Anthropic from '@anthropic-ai/sdk';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import OpenAI from 'openai';
import request from 'supertest';
import { connectHttp } from './helpers/mcp-client';
import { startTestGateway, TestGateway } from './helpers/test-gateway';

const NUL = '\u0000';
const NUL_REASON = 'must not contain the NUL character (U+0000)';
const MCP_ACCEPT = 'application/json, text/event-stream';

/** [tool, input with a NUL in one string, the field the error must name] */
const NUL_INPUTS: Array<[string, Record<string, unknown>, string]> = [
  [
    'record_bug_pattern',
    { category: 'nul', pattern: `upstream${NUL}timeout`, description: 'd', severity: 'low' },
    'pattern',
  ],
  ['record_bug_pattern', { category: `n${NUL}`, pattern: 'p', description: 'd', severity: 'low' }, 'category'],
  ['record_bug_pattern', { category: 'c', pattern: 'p', description: 'd', solution: NUL, severity: 'low' }, 'solution'],
  ['record_metric', { name: `latency${NUL}`, value: 1, unit: 'ms' }, 'name'],
  [
    'record_metric',
    { name: 'latency', value: 1, unit: 'ms', context: { route: { path: `/x${NUL}` } } },
    'context.route.path',
  ],
  ['update_routing_heuristic', { pattern: `refactor${NUL}`, preferredLayer: 'deep' }, 'pattern'],
  ['update_routing_heuristic', { pattern: 'refactor', preferredLayer: 'deep', reasoning: `why${NUL}` }, 'reasoning'],
];

/** Text a client must never see: the statements the services run. */
const SQL_TEXT = /insert into|on conflict|returning|select |bug_patterns|performance_metrics|routing_rules/i;

type ToolResult = { isError?: boolean; content: Array<{ type: string; text?: string }> };

describe('errors at every door: one catalogue, one shape per door, no SQL', () => {
  let gw: TestGateway;
  let mcp: Client;
  const counts = async () => {
    const [row] = await gw.db
      .fork()
      .getConnection()
      .execute<Array<Record<string, number>>>(
        'select (select count(*)::int from bug_patterns) as bugs, (select count(*)::int from performance_metrics) as metrics, (select count(*)::int from routing_rules) as rules, (select count(*)::int from regression_tests) as tests',
      );
    return row;
  };

  beforeAll(async () => {
    gw = await startTestGateway();
    ({ client: mcp } = await connectHttp(gw.url));
  });
  afterAll(async () => {
    await mcp?.close();
    await gw?.stop();
  });

  it.each(NUL_INPUTS)(
    '%s with a NUL in %j: 400 naming %s over REST and MCP, no SQL, nothing written',
    async (tool, input, field) => {
      const before = await counts();
      const rest = await request(gw.url).post(`/tools/${tool}`).send(input).expect(400);
      expect(rest.body).toEqual({
        error: `Invalid input: ${field}: ${NUL_REASON}`,
        kind: 'invalid_input',
        issues: [{ path: field, message: NUL_REASON }],
      });
      const viaMcp = (await mcp.callTool({ name: tool, arguments: input })) as ToolResult;
      expect(viaMcp.isError).toBe(true);
      expect(viaMcp.content[0].text).toBe(rest.body.error);
      expect(`${rest.text} ${JSON.stringify(viaMcp)}`).not.toMatch(SQL_TEXT);
      expect(await counts()).toEqual(before);
    },
  );

  it('a value the database itself refuses is a 400 without SQL, and writes nothing', async () => {
    const before = await counts();
    // A lone surrogate survives JSON parsing and the schema, and jsonb refuses its escape.
    const res = await request(gw.url)
      .post('/tools/generate_regression_test')
      .set('content-type', 'application/json')
      .send(
        '{"testName":"lone surrogate","category":"c","description":"d","testCode":"t","expectedBehavior":"e","discoveredFrom":"bug","metadata":{"k":"\\ud800"}}',
      );
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      kind: 'invalid_input',
      error: expect.stringMatching(/^Invalid input: the database refused a value: .+ \(SQLSTATE 22\w{3}\)$/),
    });
    expect(res.text).not.toMatch(SQL_TEXT);
    expect(await counts()).toEqual(before);
  });

  describe('values nested 2,000 levels deep (they broke the embedded database; past ~3,000 levels they killed the process)', () => {
    const deep = (depth: number): unknown => {
      let v: unknown = 1;
      for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
      return v;
    };
    const REASON = 'nests objects and arrays deeper than 64 levels';

    it('are refused at every door naming the field, write nothing, and the database keeps working', async () => {
      const before = await counts();
      const input = { name: 'latency', value: 1, unit: 'ms', context: { deep: deep(2000) } };
      const rest = await request(gw.url).post('/tools/record_metric').send(input).expect(400);
      expect(rest.body).toMatchObject({
        kind: 'invalid_input',
        issues: [{ path: 'context.deep.0.a...', message: REASON }],
      });
      const viaMcp = (await mcp.callTool({ name: 'record_metric', arguments: input })) as ToolResult;
      expect(viaMcp.isError).toBe(true);
      expect(viaMcp.content[0].text).toContain(`context.deep.0.a...: ${REASON}`);

      const openai = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'x', maxRetries: 0 });
      const chat = { model: 'auto', messages: [{ role: 'user' as const, content: 'hi' }], metadata: deep(2000) };
      const openaiErr = await openai.chat.completions.create(chat as never).then(
        () => undefined,
        (e: InstanceType<typeof OpenAI.APIError>) => e,
      );
      expect(openaiErr).toMatchObject({ status: 400, code: 'too_deeply_nested', param: 'metadata.0.a.0...' });
      const anthropic = new Anthropic({ baseURL: gw.url, apiKey: 'x', maxRetries: 0 });
      const message = {
        model: 'auto',
        max_tokens: 16,
        messages: [{ role: 'user', content: 'hi' }],
        metadata: deep(2000),
      };
      const anthropicErr = await anthropic.messages.create(message as never).then(
        () => undefined,
        (e: InstanceType<typeof Anthropic.APIError>) => e,
      );
      expect(anthropicErr).toMatchObject({
        status: 400,
        error: { type: 'error', error: { type: 'invalid_request_error' } },
      });
      expect(anthropicErr?.message).toContain(REASON);

      expect(await counts()).toEqual(before);
      await request(gw.url)
        .post('/tools/record_metric')
        .send({ ...input, context: { deep: deep(60) } })
        .expect(200);
      expect((await counts()).metrics).toBe(before.metrics + 1);
      expect((await request(gw.url).get('/health').expect(200)).body.status).toBe('ok');
    });
  });

  describe('bodies that are not JSON objects', () => {
    const post = (path: string, type: string, body: string) =>
      request(gw.url).post(path).set('content-type', type).set('accept', MCP_ACCEPT).send(body);

    it('REST /tools: malformed JSON, null and text/plain each say what is wrong, in { error, kind, issues }', async () => {
      const bad = await post('/tools/record_metric', 'application/json', '{"name":').expect(400);
      expect(bad.body).toEqual({
        error: expect.stringMatching(/^The request body is not valid JSON: /),
        kind: 'invalid_input',
        issues: [],
      });
      const nul = await post('/tools/record_metric', 'application/json', 'null').expect(400);
      expect(nul.body).toEqual({
        error: 'The request body must be a JSON object, not null',
        kind: 'invalid_input',
        issues: [],
      });
      const text = await post('/tools/record_metric', 'text/plain', '{"name":"x","value":1,"unit":"ms"}').expect(415);
      expect(text.body).toEqual({
        error: 'The request body must be JSON sent with Content-Type: application/json (got "text/plain")',
        kind: 'unsupported_media_type',
        issues: [],
      });
    });

    it('OpenAI /v1: the same refusals in OpenAI shape, with stable codes', async () => {
      const bad = await post('/v1/chat/completions', 'application/json', '{"messages":[').expect(400);
      expect(bad.body).toEqual({
        error: {
          message: expect.stringMatching(/^The request body is not valid JSON: /),
          type: 'invalid_request_error',
          code: 'invalid_json',
          param: null,
        },
      });
      const nul = await post('/v1/chat/completions', 'application/json', 'null').expect(400);
      expect(nul.body.error).toMatchObject({
        message: 'The request body must be a JSON object, not null',
        type: 'invalid_request_error',
        code: 'invalid_body',
      });
      const text = await post('/v1/chat/completions', 'text/plain', 'hello').expect(415);
      expect(text.body.error).toMatchObject({ type: 'invalid_request_error', code: 'unsupported_media_type' });
      expect(text.body.error.message).toContain('application/json');
      const feedback = await post('/v1/feedback', 'application/json', '42').expect(400);
      expect(feedback.body.error).toMatchObject({
        code: 'invalid_body',
        message: expect.stringContaining('not a number'),
      });
    });

    it("MCP /mcp: JSON-RPC errors (-32700 parse error, -32600 invalid request), never Nest's shape", async () => {
      const bad = await post('/mcp', 'application/json', '{"jsonrpc":').expect(400);
      expect(bad.body).toEqual({
        jsonrpc: '2.0',
        error: { code: -32700, message: expect.stringMatching(/^The request body is not valid JSON: /) },
        id: null,
      });
      const nul = await post('/mcp', 'application/json', 'null').expect(400);
      expect(nul.body).toEqual({
        jsonrpc: '2.0',
        error: {
          code: -32600,
          message: 'The request body must be a JSON-RPC message (a JSON object or array), not null',
        },
        id: null,
      });
      const text = await post('/mcp', 'text/plain', 'hello').expect(415);
      expect(text.body).toMatchObject({
        jsonrpc: '2.0',
        error: { message: expect.stringContaining('application/json') },
      });
    });

    it('an empty POST is still an empty input, not a refusal', async () => {
      await request(gw.url).post('/tools/get_bug_patterns').expect(200);
    });
  });

  it('an unknown MCP tool is one JSON-RPC -32602 error, its message prefixed once', async () => {
    const err = await mcp.callTool({ name: 'no_such_tool', arguments: {} }).then(
      () => undefined,
      (e: Error & { code?: number }) => e,
    );
    expect(err?.code).toBe(-32602);
    expect(err?.message).toBe('MCP error -32602: unknown tool "no_such_tool"');
  });

  it("unknown routes answer in their door's shape", async () => {
    const rest = await request(gw.url).get('/nowhere').expect(404);
    expect(rest.body).toEqual({ error: expect.any(String), kind: 'not_found', issues: [] });
    const openAi = await request(gw.url).get('/v1/nowhere').expect(404);
    expect(openAi.body.error).toMatchObject({ type: 'invalid_request_error', code: 'not_found' });
  });
});
