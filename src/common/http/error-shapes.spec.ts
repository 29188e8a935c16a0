import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import {
  BudgetExceededError,
  CancelledError,
  ConflictError,
  DomainError,
  ErrorKind,
  ForbiddenError,
  HTTP_STATUS,
  InternalError,
  InvalidInputError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  TimeoutError,
  UnauthorizedError,
  UnavailableError,
  UnsupportedMediaTypeError,
  UpstreamError,
} from '../../errors';
import { doorOf } from './doors';
import { errorResponse, jsonRpcError, toolErrorResult, writeError } from './error-shapes';

/** One error of every kind, so that a kind added to the catalogue without a row in a door's table fails here. */
const ONE_OF_EACH: Record<ErrorKind, DomainError> = {
  invalid_input: InvalidInputError.field('pattern', 'must not be empty'),
  unauthorized: new UnauthorizedError('a bearer key is required', { code: 'invalid_api_key' }),
  forbidden: new ForbiddenError('needs the route scope', { code: 'insufficient_scope' }),
  not_found: new NotFoundError('no such model', { code: 'model_not_found', param: 'model' }),
  conflict: new ConflictError('already exists'),
  payload_too_large: new PayloadTooLargeError('too big', { code: 'payload_too_large' }),
  unsupported_media_type: new UnsupportedMediaTypeError('send JSON', { code: 'unsupported_media_type' }),
  method_not_allowed: new MethodNotAllowedError('use POST'),
  rate_limited: new RateLimitedError('slow down', { code: 'rate_limit_exceeded', retryAfterMs: 1500 }),
  budget_exceeded: new BudgetExceededError('over budget', { code: 'budget_exceeded' }),
  upstream: new UpstreamError('every candidate failed', { code: 'upstream_error', retryAfterMs: 3000 }),
  timeout: new TimeoutError('no answer in time', { code: 'deadline_exceeded' }),
  unavailable: new UnavailableError('database down', { code: 'database_unavailable', retryAfterMs: 5000 }),
  cancelled: new CancelledError('the client closed the connection', { code: 'client_closed' }),
  internal: new InternalError('An internal error occurred; it has been logged.', { code: 'internal_error' }),
};

describe('the per-door error table', () => {
  it.each(Object.entries(ONE_OF_EACH))('%s has a status, a body and (where due) headers at every door', (kind, err) => {
    for (const door of ['rest', 'openai', 'anthropic', 'mcp'] as const) {
      const { status, body, headers } = errorResponse(err, door);
      expect(status).toBeGreaterThanOrEqual(400);
      expect(JSON.stringify(body)).toContain(err.message);
      if (err.retryAfterMs !== undefined)
        expect(headers['retry-after']).toBe(String(Math.ceil(err.retryAfterMs / 1000)));
      else expect(headers['retry-after']).toBeUndefined();
      if (kind === 'unauthorized') expect(headers['www-authenticate']).toMatch(/^Bearer /);
    }
  });

  it('REST: { error, kind, issues } with the kind status; a param without issues becomes one issue', () => {
    expect(errorResponse(ONE_OF_EACH.invalid_input, 'rest')).toEqual({
      status: 400,
      headers: {},
      body: {
        error: 'pattern: must not be empty',
        kind: 'invalid_input',
        issues: [{ path: 'pattern', message: 'must not be empty' }],
      },
    });
    expect(errorResponse(ONE_OF_EACH.not_found, 'rest').body).toEqual({
      error: 'no such model',
      kind: 'not_found',
      issues: [{ path: 'model', message: 'no such model' }],
    });
    expect(errorResponse(ONE_OF_EACH.rate_limited, 'rest')).toMatchObject({
      status: 429,
      headers: { 'retry-after': '2' },
    });
    expect(errorResponse(ONE_OF_EACH.unavailable, 'rest')).toMatchObject({
      status: 503,
      headers: { 'retry-after': '5' },
    });
  });

  it.each([
    ['invalid_input', 400, 'invalid_request_error', 'invalid_input'],
    ['unauthorized', 401, 'authentication_error', 'invalid_api_key'],
    ['forbidden', 403, 'permission_error', 'insufficient_scope'],
    ['not_found', 404, 'invalid_request_error', 'model_not_found'],
    ['rate_limited', 429, 'rate_limit_error', 'rate_limit_exceeded'],
    ['budget_exceeded', 429, 'insufficient_quota', 'budget_exceeded'],
    ['upstream', 502, 'server_error', 'upstream_error'],
    ['timeout', 504, 'server_error', 'deadline_exceeded'],
    ['unavailable', 503, 'service_unavailable', 'database_unavailable'],
    ['internal', 500, 'server_error', 'internal_error'],
  ] as const)('OpenAI: %s is %d %s with code %s', (kind, status, type, code) => {
    const err = ONE_OF_EACH[kind];
    expect(errorResponse(err, 'openai')).toMatchObject({
      status,
      body: { error: { message: err.message, type, code, param: err.param ?? null } },
    });
  });

  it.each([
    ['invalid_input', 400, 'invalid_request_error'],
    ['unauthorized', 401, 'authentication_error'],
    ['not_found', 404, 'not_found_error'],
    ['payload_too_large', 413, 'request_too_large'],
    ['budget_exceeded', 429, 'rate_limit_error'],
    ['timeout', 504, 'timeout_error'],
    ['unavailable', 529, 'overloaded_error'],
    ['internal', 500, 'api_error'],
  ] as const)('Anthropic: %s is %d %s', (kind, status, type) => {
    const err = ONE_OF_EACH[kind];
    expect(errorResponse(err, 'anthropic')).toMatchObject({
      status,
      body: { type: 'error', error: { type, message: err.message } },
    });
  });

  it('MCP over HTTP: JSON-RPC errors, with the protocol codes for parse errors and bad messages', () => {
    const rpc = (err: DomainError) => errorResponse(err, 'mcp').body as { error: { code: number } };
    expect(errorResponse(ONE_OF_EACH.unauthorized, 'mcp')).toMatchObject({
      status: 401,
      body: { jsonrpc: '2.0', error: { code: -32001, message: 'a bearer key is required' }, id: null },
    });
    expect(rpc(ONE_OF_EACH.forbidden).error.code).toBe(-32003);
    expect(rpc(ONE_OF_EACH.rate_limited).error.code).toBe(-32029);
    expect(rpc(ONE_OF_EACH.internal).error.code).toBe(-32603);
    expect(rpc(new InvalidInputError('not JSON', { code: 'invalid_json' })).error.code).toBe(-32700);
    expect(rpc(new InvalidInputError('not an object', { code: 'invalid_body' })).error.code).toBe(-32600);
    expect(rpc(new InvalidInputError('no session header', { code: 'no_session' })).error.code).toBe(-32000);
  });

  it('MCP tool calls: an isError result with the REST text, or a plain JSON-RPC error for an unknown tool', () => {
    const err = ONE_OF_EACH.invalid_input;
    const restText = (errorResponse(err, 'rest').body as { error: string }).error;
    expect(toolErrorResult(err)).toEqual({ isError: true, content: [{ type: 'text', text: restText }] });
    const unknown = jsonRpcError(new NotFoundError('unknown tool "x"', { code: 'unknown_tool' }));
    expect(unknown).toMatchObject({ code: -32602, message: 'unknown tool "x"' });
  });

  it('doors by path: /v1/messages is Anthropic, the rest of /v1 OpenAI, /mcp MCP, anything else REST', () => {
    expect(['/v1/messages', '/v1/chat/completions', '/v1', '/mcp', '/tools/x', '/health'].map(doorOf)).toEqual([
      'anthropic',
      'openai',
      'openai',
      'mcp',
      'rest',
      'rest',
    ]);
  });

  it('writeError uses only node response primitives; a cancelled exchange or a started answer is only ended', () => {
    const res = fakeResponse();
    writeError(res, 'openai', ONE_OF_EACH.upstream);
    expect(res.statusCode).toBe(502);
    expect(res.headers).toEqual({ 'retry-after': '3', 'content-type': 'application/json; charset=utf-8' });
    expect(JSON.parse(res.written)).toMatchObject({ error: { code: 'upstream_error' } });
    const gone = fakeResponse();
    writeError(gone, 'openai', ONE_OF_EACH.cancelled);
    expect([gone.written, gone.writableEnded]).toEqual(['', true]);
    const started = fakeResponse(true);
    writeError(started, 'rest', ONE_OF_EACH.internal);
    expect([started.written, started.writableEnded]).toEqual(['', true]);
  });

  it('every kind has a status in the shared table', () => {
    for (const kind of Object.keys(ONE_OF_EACH) as ErrorKind[]) expect(HTTP_STATUS[kind]).toBeGreaterThanOrEqual(400);
  });
});

type FakeResponse = ServerResponse & { headers: Record<string, string>; written: string };

function fakeResponse(headersSent = false): FakeResponse {
  const headers: Record<string, string> = {};
  const res = Object.assign(new EventEmitter(), {
    statusCode: 200,
    headersSent,
    writableEnded: false,
    destroyed: false,
    headers,
    written: '',
    setHeader(name: string, value: string) {
      res.headers[name] = value;
    },
    end(chunk?: string) {
      if (chunk) res.written += chunk;
      res.writableEnded = true;
    },
  });
  return res as unknown as FakeResponse;
}
