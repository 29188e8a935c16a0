import type { ServerResponse } from 'node:http';
import { DomainError, ErrorIssue, ErrorKind, HTTP_STATUS } from '../../errors';
import type { Door } from './doors';

/**
 * How each door tells a client about a domain error: one table per door, used by the global exception
 * filter, the middleware that refuses requests, the OpenAI presenter and the MCP adapter.
 *
 * | door      | body                                                   | status                 |
 * | rest      | { error, kind, issues }                                | HTTP_STATUS[kind]      |
 * | openai    | { error: { message, type, code, param } }              | HTTP_STATUS[kind]      |
 * | anthropic | { type: 'error', error: { type, message } }            | unavailable -> 529     |
 * | mcp       | JSON-RPC { jsonrpc, error: { code, message }, id }     | HTTP_STATUS[kind]      |
 * MCP tool calls answer a tool result with isError: true and the REST `error` text (toolErrorResult).
 */
export interface ErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

const OPENAI_TYPE: Record<ErrorKind, string> = {
  invalid_input: 'invalid_request_error',
  unauthorized: 'authentication_error',
  forbidden: 'permission_error',
  not_found: 'invalid_request_error',
  conflict: 'invalid_request_error',
  payload_too_large: 'invalid_request_error',
  unsupported_media_type: 'invalid_request_error',
  method_not_allowed: 'invalid_request_error',
  rate_limited: 'rate_limit_error',
  budget_exceeded: 'insufficient_quota',
  upstream: 'server_error',
  timeout: 'server_error',
  unavailable: 'service_unavailable',
  cancelled: 'server_error',
  internal: 'server_error',
};

const ANTHROPIC_TYPE: Record<ErrorKind, string> = {
  invalid_input: 'invalid_request_error',
  unauthorized: 'authentication_error',
  forbidden: 'permission_error',
  not_found: 'not_found_error',
  conflict: 'invalid_request_error',
  payload_too_large: 'request_too_large',
  unsupported_media_type: 'invalid_request_error',
  method_not_allowed: 'invalid_request_error',
  rate_limited: 'rate_limit_error',
  budget_exceeded: 'rate_limit_error',
  upstream: 'api_error',
  timeout: 'timeout_error',
  unavailable: 'overloaded_error',
  cancelled: 'api_error',
  internal: 'api_error',
};

/** Where a door's status differs from HTTP_STATUS (Anthropic says "overloaded" with 529). */
const STATUS_OVERRIDE: Partial<Record<Door, Partial<Record<ErrorKind, number>>>> = {
  anthropic: { unavailable: 529 },
};

/** JSON-RPC codes: the protocol's own for parse errors, bad requests and unknown tools; server range otherwise. */
const JSON_RPC_BY_CODE: Record<string, number> = {
  invalid_json: -32700,
  invalid_body: -32600,
  unknown_tool: -32602,
  unknown_session: -32001,
};
const JSON_RPC_BY_KIND: Partial<Record<ErrorKind, number>> = {
  unauthorized: -32001,
  forbidden: -32003,
  rate_limited: -32029,
  internal: -32603,
};

/** The issues a client sees: the error's own, else its `param` with the message. */
export function issuesOf(err: DomainError): ErrorIssue[] {
  if (err.issues.length > 0) return err.issues;
  return err.param ? [{ path: err.param, message: err.message }] : [];
}

export function jsonRpcCode(err: DomainError): number {
  return JSON_RPC_BY_CODE[err.code] ?? JSON_RPC_BY_KIND[err.kind] ?? -32000;
}

/** OpenAI's error envelope (also the in-band SSE error event of a stream). */
export function openAiErrorBody(err: DomainError): {
  error: { message: string; type: string; code: string; param: string | null };
} {
  return {
    error: { message: err.message, type: OPENAI_TYPE[err.kind], code: err.errorCode, param: err.param ?? null },
  };
}

const BODY: Record<Door, (err: DomainError) => unknown> = {
  rest: (err) => ({ error: err.message, kind: err.kind, issues: issuesOf(err) }),
  openai: openAiErrorBody,
  anthropic: (err) => ({ type: 'error', error: { type: ANTHROPIC_TYPE[err.kind], message: err.message } }),
  mcp: (err) => ({ jsonrpc: '2.0', error: { code: jsonRpcCode(err), message: err.message }, id: null }),
};

/** Status, headers and body of `err` at an HTTP door. */
export function errorResponse(err: DomainError, door: Door): ErrorResponse {
  const headers: Record<string, string> = {};
  if (err.retryAfterMs !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(err.retryAfterMs / 1000)));
  if (err.kind === 'unauthorized') headers['www-authenticate'] = 'Bearer realm="ai-mcp-gateway"';
  const status = STATUS_OVERRIDE[door]?.[err.kind] ?? HTTP_STATUS[err.kind];
  return { status, headers, body: BODY[door](err) };
}

/**
 * Answers `err` in its door's shape with node's own response primitives (no framework helper), so
 * that a raw node:http handler can use it too. A cancelled exchange is only ended: nobody reads it.
 */
export function writeError(res: ServerResponse, door: Door, err: DomainError): void {
  if (res.headersSent || err.kind === 'cancelled') {
    if (!res.writableEnded && !res.destroyed) res.end();
    return;
  }
  const { status, headers, body } = errorResponse(err, door);
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

/** An MCP tool result for a failed call: the same text as the REST door's `error`. */
export function toolErrorResult(err: DomainError): { isError: true; content: Array<{ type: 'text'; text: string }> } {
  return { isError: true, content: [{ type: 'text', text: err.message }] };
}

/**
 * A JSON-RPC error for an MCP request handler to throw: the SDK sends `code` and `message` as they are
 * (an McpError would prefix "MCP error <code>: " to a message the client prefixes again).
 */
export function jsonRpcError(err: DomainError): Error & { code: number } {
  return Object.assign(new Error(err.message), { code: jsonRpcCode(err) });
}
