import Ajv from 'ajv';
import type { ChatCompletionRequest } from './openai.schemas';

/**
 * The common shape of a chat-completions request as a JSON Schema, compiled once at start (ajv) so that
 * the hot path checks a body without building zod's per-request parse state. It is strictly narrower
 * than `chatCompletionRequest` (openai.schemas.ts): a body it accepts is one zod accepts and returns
 * unchanged (no unknown key to strip, no transform), so the body itself is the parsed request. Anything
 * else (image parts, unknown fields, any invalid body) goes through zod, which gives the exact error.
 * openai.fast-schema.spec.ts holds the two to that contract.
 */

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const nullable = (schema: Record<string, unknown>) => ({ anyOf: [schema, { type: 'null' }] });
const str = { type: 'string' };
const strictObject = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});

const textPart = strictObject({ type: { const: 'text' }, text: str }, ['type', 'text']);
const content = { anyOf: [str, { type: 'array', items: textPart, minItems: 1 }] };
const toolCall = strictObject(
  {
    id: str,
    type: { const: 'function' },
    function: strictObject({ name: str, arguments: str }, ['name', 'arguments']),
  },
  ['id', 'type', 'function'],
);

const message = {
  anyOf: [
    strictObject({ role: { enum: ['system', 'developer', 'user'] }, content, name: str }, ['role', 'content']),
    strictObject(
      {
        role: { const: 'assistant' },
        content: nullable(content),
        name: str,
        tool_calls: nullable({ type: 'array', items: toolCall }),
      },
      ['role'],
    ),
    strictObject({ role: { const: 'tool' }, content, tool_call_id: str }, ['role', 'content', 'tool_call_id']),
  ],
};

const functionTool = strictObject(
  {
    type: { const: 'function' },
    function: strictObject(
      {
        name: { type: 'string', pattern: '^[a-zA-Z0-9_-]{1,64}$' },
        description: str,
        parameters: { type: 'object' },
        strict: { type: ['boolean', 'null'] },
      },
      ['name'],
    ),
  },
  ['type', 'function'],
);

const toolChoice = {
  anyOf: [
    { enum: ['auto', 'none', 'required'] },
    strictObject(
      { type: { const: 'function' }, function: strictObject({ name: { type: 'string', minLength: 1 } }, ['name']) },
      ['type', 'function'],
    ),
  ],
};

/** A length in UTF-16 code units, as zod counts it (a regex without the u flag; ajv's maxLength counts code points). */
const units = (min: number, max: number) => `^[\\s\\S]{${min},${max}}$`;
const num = (minimum: number, maximum: number) => ({ type: ['number', 'null'], minimum, maximum });
const int = (minimum: number, maximum = MAX_SAFE) => ({ type: ['integer', 'null'], minimum, maximum });

const FAST_SCHEMA = strictObject(
  {
    model: { type: 'string', minLength: 1 },
    messages: { type: 'array', items: message, minItems: 1 },
    temperature: num(0, 2),
    top_p: num(0, 1),
    max_tokens: int(1),
    max_completion_tokens: int(1),
    stop: nullable({ anyOf: [str, { type: 'array', items: str, maxItems: 4 }] }),
    seed: int(-MAX_SAFE),
    n: { enum: [1, null] },
    stream: { type: ['boolean', 'null'] },
    stream_options: nullable(strictObject({ include_usage: { type: ['boolean', 'null'] } })),
    tools: nullable({ type: 'array', items: functionTool }),
    tool_choice: nullable(toolChoice),
    parallel_tool_calls: { type: ['boolean', 'null'] },
    response_format: {},
    presence_penalty: num(-2, 2),
    frequency_penalty: num(-2, 2),
    logprobs: { type: ['boolean', 'null'] },
    top_logprobs: int(0, 20),
    logit_bias: nullable({ type: 'object', additionalProperties: { type: 'number', minimum: -100, maximum: 100 } }),
    reasoning_effort: { enum: ['minimal', 'low', 'medium', 'high', null] },
    user: { type: ['string', 'null'] },
    metadata: nullable({
      type: 'object',
      propertyNames: { pattern: units(0, 64) },
      additionalProperties: { type: 'string', pattern: units(0, 512) },
    }),
    task_type: { type: 'string', pattern: units(1, 100) },
  },
  ['messages'],
);

// No type coercion, no defaults, no u flag on patterns (see units).
const ajv = new Ajv({ unicodeRegExp: false, allErrors: false, strict: true, allowUnionTypes: true });
const validate = ajv.compile(FAST_SCHEMA);

/**
 * The body as a parsed request when it has the common shape (ajv, precompiled); undefined otherwise
 * (the caller then parses it with zod, which accepts the rest of the valid shapes or says what is wrong).
 */
export function fastChatRequest(body: unknown): ChatCompletionRequest | undefined {
  if (!validate(body)) return undefined;
  const request = body as ChatCompletionRequest;
  // zod's one default: no model means `auto`.
  if (request.model === undefined) request.model = 'auto';
  return request;
}
