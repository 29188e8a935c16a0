import { z } from 'zod';
import { toJsonSchema, type ToolDescription } from '../tools/tool-registry';
import type { RouteAuth, RouteDoc } from './openapi.routes';

type Json = Record<string, unknown>;

const ERROR_SCHEMAS: Record<RouteDoc['errors'], Json> = {
  openai: {
    type: 'object',
    properties: {
      error: {
        type: 'object',
        properties: {
          message: { type: 'string' },
          type: { type: 'string' },
          code: { type: ['string', 'null'] },
          param: { type: ['string', 'null'] },
        },
        required: ['message', 'type'],
      },
    },
    required: ['error'],
  },
  anthropic: {
    type: 'object',
    properties: {
      type: { const: 'error' },
      error: { type: 'object', properties: { type: { type: 'string' }, message: { type: 'string' } } },
    },
    required: ['type', 'error'],
  },
  rest: {
    type: 'object',
    properties: { error: { type: 'string' }, kind: { type: 'string' }, issues: { type: 'array' } },
    required: ['error'],
  },
  mcp: { type: 'object', properties: { jsonrpc: { const: '2.0' }, error: { type: 'object' } } },
};

/**
 * A schema as a component: JSON Schema's local references (#/$defs/...) point into the component, since
 * inside an OpenAPI document `#` is the document itself.
 */
function component(components: Json, name: string, schema: Json): Json {
  const base = `#/components/schemas/${name}`;
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (node === null || typeof node !== 'object') return node;
    const out: Json = {};
    for (const [k, v] of Object.entries(node as Json))
      out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#') ? `${base}${v.slice(1)}` : rewrite(v);
    return out;
  };
  components[name] = rewrite(schema);
  return { $ref: base };
}

function schemaOf(components: Json, name: string, schema: z.ZodType, io: 'input' | 'output'): Json {
  return component(components, name, toJsonSchema(schema, io));
}

function security(auth: RouteAuth): Json {
  if (auth === 'public') return { security: [] };
  const note = auth === 'any key' ? 'any active key' : `a key with the ${auth} scope (admin implies every scope)`;
  return { security: [{ bearer: [] }], 'x-required-scope': auth, 'x-auth': note };
}

function responses(components: Json, door: RouteDoc['errors'], ok: Json): Json {
  const error = {
    description: 'error',
    content: { 'application/json': { schema: { $ref: `#/components/schemas/error_${door}` } } },
  };
  return { '200': ok, '400': error, '401': error, '403': error, default: error };
}

function operationOf(components: Json, r: RouteDoc): Json {
  const id = `${r.method}${r.path.replace(/[^a-zA-Z0-9]+(.)?/g, (_, c?: string) => (c ? c.toUpperCase() : ''))}`;
  const op: Json = { operationId: id, tags: [r.tag], summary: r.summary, ...security(r.auth) };
  if (r.params)
    op.parameters = Object.entries(r.params).map(([name, description]) => ({
      name,
      in: 'path',
      required: true,
      description,
      schema: { type: 'string' },
    }));
  if (r.body)
    op.requestBody = {
      required: true,
      content: { 'application/json': { schema: schemaOf(components, `${id}_body`, r.body, 'input') } },
    };
  const ok: Json = { description: 'success' };
  if (r.answer)
    ok.content = { 'application/json': { schema: schemaOf(components, `${id}_answer`, r.answer, 'output') } };
  else if (r.produces) ok.content = { [r.produces]: { schema: { type: 'string' } } };
  op.responses = responses(components, r.errors, ok);
  return op;
}

/** Query parameters of a read-only tool's GET: its input's top-level fields (coerced from text by the door). */
function queryParameters(input: Json): Json[] {
  const properties = (input.properties ?? {}) as Record<string, Json>;
  const required = new Set((input.required ?? []) as string[]);
  return Object.entries(properties).map(([name, schema]) => ({
    name,
    in: 'query',
    required: required.has(name),
    description: typeof schema.description === 'string' ? schema.description : undefined,
    schema: { type: 'string' },
  }));
}

function toolOperations(components: Json, tool: ToolDescription): Json {
  const input = component(components, `tool_${tool.name}_input`, tool.inputSchema);
  const output = component(components, `tool_${tool.name}_output`, tool.outputSchema);
  const ok = { description: 'the tool result', content: { 'application/json': { schema: output } } };
  const common = {
    tags: ['tools'],
    summary: tool.description,
    ...security(tool.scope as RouteAuth),
    'x-mcp-tool': tool.name,
  };
  const item: Json = {
    post: {
      ...common,
      operationId: `tool_${tool.name}`,
      requestBody: { required: true, content: { 'application/json': { schema: input } } },
      responses: responses(components, 'rest', ok),
    },
  };
  if (tool.readOnly)
    item.get = {
      ...common,
      operationId: `tool_${tool.name}_get`,
      parameters: queryParameters(tool.inputSchema),
      responses: responses(components, 'rest', ok),
    };
  return item;
}

/** The OpenAPI 3.1 document of the gateway: its declared routes and every registered tool (REST door). */
export function buildOpenApi(routes: readonly RouteDoc[], tools: readonly ToolDescription[], version: string): Json {
  const schemas: Json = {};
  for (const door of Object.keys(ERROR_SCHEMAS) as Array<RouteDoc['errors']>)
    schemas[`error_${door}`] = ERROR_SCHEMAS[door];
  const paths: Record<string, Json> = {};
  for (const r of routes) (paths[r.path] ??= {})[r.method] = operationOf(schemas, r);
  for (const tool of tools) paths[`/tools/${tool.name}`] = toolOperations(schemas, tool);
  return {
    openapi: '3.1.0',
    info: {
      title: 'ai-mcp-gateway',
      version,
      description:
        'A self-improving LLM gateway: OpenAI- and Anthropic-compatible doors, MCP tools (also served here as REST), learned routing. Send the key as `Authorization: Bearer KEY` (or `x-api-key: KEY` on /v1/messages).',
    },
    servers: [{ url: '/' }],
    tags: ['openai', 'anthropic', 'tools', 'mcp', 'console', 'operations'].map((name) => ({ name })),
    paths,
    components: { schemas, securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
  };
}
