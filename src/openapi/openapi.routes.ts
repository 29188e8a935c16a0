import { z } from 'zod';
import { embeddingsRequest, embeddingsResponse } from '../embeddings/embeddings.schemas';
import { recordFeedbackInput } from '../optimizer/optimizer.schemas';
import { countTokensRequest, messagesRequest } from '../routing/anthropic.schemas';
import { chatCompletionRequest } from '../routing/openai.schemas';

/** Who may call a route (see requirementFor in auth.middleware.ts). */
export type RouteAuth = 'public' | 'route' | 'tools:read' | 'any key' | 'admin';

/** One HTTP route of the gateway besides the generated /tools/{name}: declared once, with the schemas its handler validates with. */
export interface RouteDoc {
  method: 'get' | 'post' | 'delete';
  /** OpenAPI path ({param} for parameters). */
  path: string;
  tag: string;
  summary: string;
  auth: RouteAuth;
  /** The zod schema of the JSON body the handler validates. */
  body?: z.ZodType;
  /** The zod schema of the 200 JSON answer, when it has one. */
  answer?: z.ZodType;
  /** The answer's media type when it is not JSON (SSE, text, HTML). */
  produces?: string;
  /** Path parameters, each a free string (described). */
  params?: Record<string, string>;
  /** The door whose error shape the route answers with. */
  errors: 'openai' | 'anthropic' | 'rest' | 'mcp';
}

const anyObject = z.record(z.string(), z.unknown());

/** Every non-tool route of the gateway. The OpenAPI spec checks that the app serves exactly these (and the tools). */
export const ROUTES: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/health',
    tag: 'operations',
    summary: 'Readiness of the database, the recorder and each provider',
    auth: 'public',
    errors: 'rest',
    answer: anyObject,
  },
  {
    method: 'get',
    path: '/metrics',
    tag: 'operations',
    summary: 'Prometheus metrics',
    auth: 'public',
    errors: 'rest',
    produces: 'text/plain',
  },
  {
    method: 'get',
    path: '/v1/models',
    tag: 'openai',
    summary: 'The catalogue, the layers and auto, as OpenAI model objects',
    auth: 'route',
    errors: 'openai',
    answer: anyObject,
  },
  {
    method: 'post',
    path: '/v1/chat/completions',
    tag: 'openai',
    summary:
      'Chat completion, routed (model auto, a layer, a catalogue id or an alias); stream: true answers server-sent events. Deterministic requests (temperature 0, or x-gateway-cache: use) may be answered from the response cache (x-gateway-cache: hit)',
    auth: 'route',
    errors: 'openai',
    body: chatCompletionRequest,
    answer: anyObject,
  },
  {
    method: 'post',
    path: '/v1/embeddings',
    tag: 'openai',
    summary: 'Embeddings from a catalogue model of kind embedding',
    auth: 'route',
    errors: 'openai',
    body: embeddingsRequest,
    answer: embeddingsResponse,
  },
  {
    method: 'post',
    path: '/v1/feedback',
    tag: 'openai',
    summary: "A caller's score (0-1) for an answered request, by its x-request-id",
    auth: 'route',
    errors: 'openai',
    body: recordFeedbackInput,
    answer: anyObject,
  },
  {
    method: 'post',
    path: '/v1/messages',
    tag: 'anthropic',
    summary: "Anthropic Messages API, routed like chat completions; stream: true answers Anthropic's event stream",
    auth: 'route',
    errors: 'anthropic',
    body: messagesRequest,
    answer: anyObject,
  },
  {
    method: 'post',
    path: '/v1/messages/count_tokens',
    tag: 'anthropic',
    summary: "The gateway's estimate of a Messages request's input tokens",
    auth: 'route',
    errors: 'anthropic',
    body: countTokensRequest,
    answer: z.object({ input_tokens: z.number().int() }),
  },
  {
    method: 'get',
    path: '/tools',
    tag: 'tools',
    summary: 'Every tool with its scope and JSON Schemas (the same tools MCP serves)',
    auth: 'tools:read',
    errors: 'rest',
    answer: z.object({ tools: z.array(anyObject) }),
  },
  {
    method: 'get',
    path: '/mcp',
    tag: 'mcp',
    summary: 'MCP streamable HTTP: server-sent events of a session',
    auth: 'any key',
    errors: 'mcp',
    produces: 'text/event-stream',
  },
  {
    method: 'post',
    path: '/mcp',
    tag: 'mcp',
    summary: 'MCP streamable HTTP: JSON-RPC requests (the tools of /tools)',
    auth: 'any key',
    errors: 'mcp',
    body: anyObject,
    answer: anyObject,
  },
  {
    method: 'delete',
    path: '/mcp',
    tag: 'mcp',
    summary: 'MCP streamable HTTP: ends a session',
    auth: 'any key',
    errors: 'mcp',
  },
  {
    method: 'get',
    path: '/events/requests',
    tag: 'console',
    summary: 'Live request log as server-sent events',
    auth: 'tools:read',
    errors: 'rest',
    produces: 'text/event-stream',
  },
  {
    method: 'get',
    path: '/console',
    tag: 'console',
    summary: 'The operator console (single-page app)',
    auth: 'public',
    errors: 'rest',
    produces: 'text/html',
  },
  {
    method: 'get',
    path: '/console/{path}',
    tag: 'console',
    summary: "The console's files and client-side routes",
    auth: 'public',
    errors: 'rest',
    produces: 'text/html',
    params: { path: 'a file or client-side route of the console' },
  },
  {
    method: 'post',
    path: '/admin/reload',
    tag: 'operations',
    summary: 'Reloads the config file (as SIGHUP does); a refused file keeps the running config and answers the reason',
    auth: 'admin',
    errors: 'rest',
    answer: anyObject,
  },
  {
    method: 'get',
    path: '/openapi.json',
    tag: 'operations',
    summary: 'This document',
    auth: 'public',
    errors: 'rest',
    answer: anyObject,
  },
  {
    method: 'get',
    path: '/docs',
    tag: 'operations',
    summary: 'This document, browsable (served from this gateway only)',
    auth: 'public',
    errors: 'rest',
    produces: 'text/html',
  },
  {
    method: 'get',
    path: '/docs/{file}',
    tag: 'operations',
    summary: "The browsable document's script and style",
    auth: 'public',
    errors: 'rest',
    produces: 'application/javascript',
    params: { file: 'swagger-ui-bundle.js, swagger-ui.css or docs.js' },
  },
];
