import { z } from 'zod';
import {
  OPTIONAL_CHAT_PARAMS,
  ProviderError,
  estimateMessagesTokens,
  estimateTokens,
  makeUsage,
  type ChatLogprobs,
  type OptionalChatParam,
  type ToolCallDelta,
  type ChatDelta,
  type ChatMessage,
  type ChatRequest,
  type FinishReason,
  type TokenUsage,
} from '@ai-mcp-gateway/provider-sdk';

/** The OpenAI chat-completions wire format: request bodies out, responses and stream chunks in. */

const usageSchema = z.object({ prompt_tokens: z.number(), completion_tokens: z.number() });

const topLogprobSchema = z.object({ token: z.string(), logprob: z.number(), bytes: z.array(z.number()).nullish() });
const tokenLogprobSchema = topLogprobSchema.extend({ top_logprobs: z.array(topLogprobSchema).nullish() });
const logprobsSchema = z
  .object({ content: z.array(tokenLogprobSchema).nullish(), refusal: z.array(tokenLogprobSchema).nullish() })
  .nullish();

const toolCallSchema = z.object({
  id: z.string(),
  type: z.string().optional(),
  function: z.object({ name: z.string(), arguments: z.string() }),
});

export const completionSchema = z.object({
  id: z.string().optional(),
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullish(), tool_calls: z.array(toolCallSchema).nullish() }),
        finish_reason: z.string().nullish(),
        logprobs: logprobsSchema,
      }),
    )
    .min(1),
  usage: usageSchema.nullish(),
});

const toolCallDeltaSchema = z.object({
  index: z.number().int(),
  id: z.string().optional(),
  type: z.string().optional(),
  function: z.object({ name: z.string().optional(), arguments: z.string().optional() }).optional(),
});

export const chunkSchema = z.object({
  choices: z
    .array(
      z.object({
        delta: z
          .object({ content: z.string().nullish(), tool_calls: z.array(toolCallDeltaSchema).nullish() })
          .nullish(),
        finish_reason: z.string().nullish(),
        logprobs: logprobsSchema,
      }),
    )
    .nullish(),
  usage: usageSchema.nullish(),
  error: z.object({ message: z.string().optional(), type: z.string().optional() }).nullish(),
});

export const modelListSchema = z.object({
  data: z.array(z.object({ id: z.string(), owned_by: z.string().optional() })),
});

export type Completion = z.infer<typeof completionSchema>;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isOptionalString(v: unknown): boolean {
  return v === undefined || typeof v === 'string';
}

function isNullishString(v: unknown): boolean {
  return v === undefined || v === null || typeof v === 'string';
}

/**
 * The common reply (text choices, no tool calls, no logprobs) checked by hand: the body itself when it is
 * certainly one completionSchema accepts, else undefined and the caller runs the schema (which also
 * words the malformed_response error). The fields the plugin reads are exactly those checked here.
 */
export function plainCompletion(body: unknown): Completion | undefined {
  if (!isRecord(body) || !isOptionalString(body.id) || !isOptionalString(body.model)) return undefined;
  const choices = body.choices;
  if (!Array.isArray(choices) || choices.length === 0) return undefined;
  for (const choice of choices) {
    if (!isRecord(choice) || !isNullishString(choice.finish_reason)) return undefined;
    const message = choice.message;
    if (!isRecord(message) || !isNullishString(message.content)) return undefined;
    if (message.tool_calls !== undefined && message.tool_calls !== null) return undefined;
    if (choice.logprobs !== undefined && choice.logprobs !== null) return undefined;
  }
  const usage = body.usage;
  if (usage !== undefined && usage !== null) {
    if (!isRecord(usage)) return undefined;
    if (typeof usage.prompt_tokens !== 'number' || !Number.isFinite(usage.prompt_tokens)) return undefined;
    if (typeof usage.completion_tokens !== 'number' || !Number.isFinite(usage.completion_tokens)) return undefined;
  }
  return body as Completion;
}
export type Chunk = z.infer<typeof chunkSchema>;

const FINISH: Record<string, FinishReason> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool_calls',
  function_call: 'tool_calls',
  content_filter: 'content_filter',
};

/** Unknown or missing reasons (some local servers send 'eos' or null) count as a normal stop. */
export function mapFinish(reason: string | null | undefined): FinishReason {
  return (reason && FINISH[reason]) || 'stop';
}

export function mapUsage(usage: z.infer<typeof usageSchema>): TokenUsage {
  return makeUsage(usage.prompt_tokens, usage.completion_tokens);
}

/** Usage when the upstream reports none: estimated from the text, and flagged as such. */
export function estimatedUsage(request: ChatRequest, completion: string): TokenUsage {
  return makeUsage(estimateMessagesTokens(request.messages), estimateTokens(completion));
}

/** Messages go out as they are: ChatMessage is OpenAI's shape, image_url parts included. */
function wireMessage(m: ChatMessage): Record<string, unknown> {
  const out: Record<string, unknown> = { role: m.role, content: m.content };
  if (m.name !== undefined) out.name = m.name;
  if (m.tool_call_id !== undefined) out.tool_call_id = m.tool_call_id;
  if (m.tool_calls?.length) out.tool_calls = m.tool_calls;
  return out;
}

/** Request fields sent unchanged (the optional ones only reach here when the plugin declared them). */
const PASSTHROUGH = [
  'temperature',
  'top_p',
  'max_tokens',
  'stop',
  'seed',
  'tools',
  'tool_choice',
  'response_format',
  ...OPTIONAL_CHAT_PARAMS,
] as const satisfies ReadonlyArray<keyof ChatRequest>;

/** Every optional parameter but top_k, which OpenAI's API refuses. */
export const DEFAULT_PARAMS: readonly OptionalChatParam[] = OPTIONAL_CHAT_PARAMS.filter((p) => p !== 'top_k');

/** Log probabilities in the gateway's type (absent fields made explicit, as OpenAI spells them). */
export function mapLogprobs(l: z.infer<typeof logprobsSchema>): ChatLogprobs | undefined {
  if (!l) return undefined;
  const token = (t: z.infer<typeof tokenLogprobSchema>) => ({
    token: t.token,
    logprob: t.logprob,
    bytes: t.bytes ?? null,
    top_logprobs: (t.top_logprobs ?? []).map((a) => ({ token: a.token, logprob: a.logprob, bytes: a.bytes ?? null })),
  });
  const out: ChatLogprobs = { content: l.content ? l.content.map(token) : null };
  if (l.refusal) out.refusal = l.refusal.map(token);
  return out;
}

/** The request body; `hints` are the gateway's and never leave it. */
export function requestBody(request: ChatRequest, stream: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = { model: request.model, messages: request.messages.map(wireMessage) };
  for (const key of PASSTHROUGH) if (request[key] !== undefined) body[key] = request[key];
  if (stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  return body;
}

/** One chunk's visible part as a delta (undefined when it carries neither text, tool calls nor logprobs). */
export function chunkDelta(chunk: Chunk): ChatDelta | undefined {
  const choice = chunk.choices?.[0];
  const d = choice?.delta;
  const delta: ChatDelta = {};
  if (d?.content) delta.content = d.content;
  const logprobs = mapLogprobs(choice?.logprobs);
  if (logprobs?.content?.length) delta.logprobs = logprobs;
  if (d?.tool_calls?.length) {
    delta.toolCalls = d.tool_calls.map((t) => {
      const part: ToolCallDelta = { index: t.index };
      if (t.id) part.id = t.id;
      if (t.type === 'function') part.type = 'function';
      if (t.function) {
        part.function = {};
        if (t.function.name) part.function.name = t.function.name;
        if (t.function.arguments) part.function.arguments = t.function.arguments;
      }
      return part;
    });
  }
  return delta.content || delta.toolCalls || delta.logprobs ? delta : undefined;
}

export function chunkError(chunk: Chunk, name: string): ProviderError | undefined {
  if (!chunk.error) return undefined;
  return new ProviderError(
    'upstream',
    `${name}: upstream failed mid-stream: ${chunk.error.message ?? chunk.error.type ?? 'unknown error'}`,
  );
}
