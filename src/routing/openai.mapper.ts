import type { ChatDelta, ChatMessage, TokenUsage } from '@ai-mcp-gateway/provider-sdk';
import type { ChatCompletionRequest } from './openai.schemas';
import type { ChatParams, RouteRequest, RouteResult } from './routing.types';

type RequestMessage = ChatCompletionRequest['messages'][number];

function text(content: string | Array<{ text: string }> | null | undefined): string | null {
  if (content === undefined || content === null) return null;
  return typeof content === 'string' ? content : content.map((p) => p.text).join('\n');
}

function toChatMessage(m: RequestMessage): ChatMessage {
  const out: ChatMessage = { role: m.role === 'developer' ? 'system' : m.role, content: text(m.content) };
  if ('name' in m && m.name) out.name = m.name;
  if (m.role === 'tool') out.tool_call_id = m.tool_call_id;
  if (m.role === 'assistant' && m.tool_calls) out.tool_calls = m.tool_calls;
  return out;
}

export function toRouteRequest(
  body: ChatCompletionRequest,
  requestId: string,
  signal?: RouteRequest['signal'],
): RouteRequest {
  const params: ChatParams = {};
  if (body.temperature !== undefined) params.temperature = body.temperature;
  if (body.top_p !== undefined) params.top_p = body.top_p;
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (maxTokens !== undefined) params.max_tokens = maxTokens;
  if (body.stop) params.stop = typeof body.stop === 'string' ? [body.stop] : body.stop;
  if (body.seed !== undefined) params.seed = body.seed;
  if (body.tools) params.tools = body.tools;
  if (body.tool_choice !== undefined) params.tool_choice = body.tool_choice;
  if (body.response_format !== undefined) params.response_format = body.response_format;
  return {
    requestId,
    model: body.model,
    messages: body.messages.map(toChatMessage),
    params,
    taskType: body.task_type,
    stream: body.stream,
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
    choices: [{ index: 0, message, logprobs: null, finish_reason: r.finishReason }],
    usage: openAiUsage(result.usage),
    system_fingerprint: null,
  };
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

  /** A delta's content/tool calls, and its finish reason when it has one; '' when it carries neither. */
  delta(d: ChatDelta): string {
    const delta: Record<string, unknown> = {};
    if (d.content) delta.content = d.content;
    if (d.toolCalls?.length) delta.tool_calls = d.toolCalls;
    const hasDelta = d.content !== undefined && d.content !== '' ? true : Boolean(d.toolCalls?.length);
    if (!hasDelta && !d.finishReason) return '';
    return `${this.head}{"index":0,"delta":${JSON.stringify(delta)},"logprobs":null,"finish_reason":${d.finishReason ? JSON.stringify(d.finishReason) : 'null'}}]}\n\n`;
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
