import {
  normalizeContent,
  OPTIONAL_CHAT_PARAMS,
  type ChatDelta,
  type ChatMessage,
  type ContentPart,
  type TokenUsage,
  type ToolCallDelta,
} from '@ai-mcp-gateway/provider-sdk';
import type { ChatCompletionRequest } from './openai.schemas';
import type { ChatParams, RouteRequest, RouteResult } from './routing.types';

type RequestMessage = ChatCompletionRequest['messages'][number];
type RequestContent = string | Array<{ type: 'text'; text: string } | ContentPart> | null | undefined;

/** Text stays text; parts become the SDK's (text-only parts joined into one string, as plugins expect). */
function contentOf(content: RequestContent): ChatMessage['content'] {
  if (content === undefined || content === null) return null;
  return typeof content === 'string' ? content : normalizeContent(content);
}

function toChatMessage(m: RequestMessage): ChatMessage {
  const out: ChatMessage = { role: m.role === 'developer' ? 'system' : m.role, content: contentOf(m.content) };
  if ('name' in m && m.name) out.name = m.name;
  if (m.role === 'tool') out.tool_call_id = m.tool_call_id;
  if (m.role === 'assistant' && m.tool_calls) out.tool_calls = m.tool_calls;
  return out;
}

/** Fields passed on as the client sent them (null is "not set"); OPTIONAL_CHAT_PARAMS need a provider that declares them. */
const PASSED = [
  'temperature',
  'top_p',
  'max_tokens',
  'seed',
  'tools',
  'tool_choice',
  'response_format',
  ...OPTIONAL_CHAT_PARAMS.filter((p) => p !== 'top_k'),
] as const;

export function toRouteRequest(
  body: ChatCompletionRequest,
  requestId: string,
  signal?: RouteRequest['signal'],
): RouteRequest {
  const params: ChatParams = {};
  const target = params as Record<string, unknown>;
  for (const key of PASSED) {
    const value = body[key];
    if (value !== undefined && value !== null) target[key] = value;
  }
  if (body.stop) params.stop = typeof body.stop === 'string' ? [body.stop] : body.stop;
  return {
    requestId,
    model: body.model,
    messages: body.messages.map(toChatMessage),
    params,
    taskType: body.task_type,
    stream: body.stream ?? false,
    signal,
  };
}

export function openAiUsage(u: TokenUsage): { prompt_tokens: number; completion_tokens: number; total_tokens: number } {
  return { prompt_tokens: u.promptTokens, completion_tokens: u.completionTokens, total_tokens: u.totalTokens };
}

export function toCompletion(result: RouteResult): Record<string, unknown> {
  const r = result.response;
  const message: Record<string, unknown> = { role: 'assistant', content: r.content, refusal: null };
  if (r.toolCalls?.length) message.tool_calls = r.toolCalls;
  return {
    id: `chatcmpl-${result.decision.requestId}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: result.model.id,
    choices: [{ index: 0, message, logprobs: r.logprobs ?? null, finish_reason: r.finishReason }],
    usage: openAiUsage(result.usage),
    system_fingerprint: null,
  };
}

/** A tool-call fragment as OpenAI streams it: the first of a call with id, type and name, the rest with arguments. */
function toolCallChunk(p: ToolCallDelta): Record<string, unknown> {
  const out: Record<string, unknown> = { index: p.index };
  const fn: Record<string, string> = {};
  if (p.id) {
    out.id = p.id;
    out.type = 'function';
    fn.arguments = '';
  }
  if (p.function?.name) fn.name = p.function.name;
  if (p.function?.arguments) fn.arguments = p.function.arguments;
  if (Object.keys(fn).length > 0) out.function = fn;
  return out;
}

/**
 * Serialises chat.completion.chunk events. The constant head of every chunk is built once per
 * stream; each delta costs one small JSON.stringify.
 */
export class ChunkWriter {
  private readonly head: string;
  private readonly tail: string;

  constructor(requestId: string, model: string) {
    const id = JSON.stringify(`chatcmpl-${requestId}`);
    this.head = `data: {"id":${id},"object":"chat.completion.chunk","created":${Math.floor(Date.now() / 1000)},"model":${JSON.stringify(model)},"choices":[`;
    this.tail = `{"id":${id},"object":"chat.completion.chunk","created":${Math.floor(Date.now() / 1000)},"model":${JSON.stringify(model)},"choices":[],"usage":`;
  }

  /** The opening chunk with the assistant role. */
  role(): string {
    return `${this.head}{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}\n\n`;
  }

  /** A delta's content/tool calls/logprobs, and its finish reason when it has one; '' when it carries none. */
  delta(d: ChatDelta): string {
    const delta: Record<string, unknown> = {};
    if (d.content) delta.content = d.content;
    if (d.toolCalls?.length) delta.tool_calls = d.toolCalls.map(toolCallChunk);
    const hasDelta = d.content !== undefined && d.content !== '' ? true : Boolean(d.toolCalls?.length);
    if (!hasDelta && !d.finishReason && !d.logprobs) return '';
    const logprobs = d.logprobs ? JSON.stringify(d.logprobs) : 'null';
    return `${this.head}{"index":0,"delta":${JSON.stringify(delta)},"logprobs":${logprobs},"finish_reason":${d.finishReason ? JSON.stringify(d.finishReason) : 'null'}}]}\n\n`;
  }

  /** The usage chunk of stream_options.include_usage (empty choices). */
  usage(u: TokenUsage): string {
    return `data: ${this.tail}${JSON.stringify(openAiUsage(u))}}\n\n`;
  }

  static done(): string {
    return 'data: [DONE]\n\n';
  }

  /** An in-band event (an error in OpenAI's shape); after an error the stream ends (no [DONE]). */
  static event(body: unknown): string {
    return `data: ${JSON.stringify(body)}\n\n`;
  }
}
