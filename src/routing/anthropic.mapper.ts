import {
  normalizeContent,
  type ChatMessage,
  type ChatResponse,
  type ContentPart,
  type FinishReason,
  type TokenUsage,
  type ToolCall,
  type ToolDefinition,
} from '@ai-mcp-gateway/provider-sdk';
import type { AnthropicMessage, AnthropicTool, CountTokensRequest, MessagesRequest } from './anthropic.schemas';
import type { ChatParams, RouteRequest, RouteResult } from './routing.types';

/** The Anthropic Messages API onto the gateway's (OpenAI-style) chat types, and answers back. */

type Block = Exclude<AnthropicMessage['content'], string>[number];
type ToolResult = Extract<Block, { type: 'tool_result' }>;

function imagePart(source: Extract<Block, { type: 'image' }>['source']): ContentPart {
  const url = source.type === 'base64' ? `data:${source.media_type};base64,${source.data}` : source.url;
  return { type: 'image_url', image_url: { url } };
}

function partsOf(blocks: readonly Block[]): ContentPart[] {
  const parts: ContentPart[] = [];
  for (const b of blocks) {
    if (b.type === 'text') parts.push({ type: 'text', text: b.text });
    else if (b.type === 'image') parts.push(imagePart(b.source));
  }
  return parts;
}

/** A tool result as a tool message; an error result says so in its text (OpenAI's tool messages have no flag). */
function toolMessage(b: ToolResult): ChatMessage {
  const content =
    b.content === undefined ? '' : typeof b.content === 'string' ? b.content : normalizeContent(partsOf(b.content));
  const flagged = b.is_error && typeof content === 'string' ? `[tool error] ${content}` : content;
  return { role: 'tool', tool_call_id: b.tool_use_id, content: flagged };
}

/** A user turn: its tool results first (as tool messages, in order), then its text and images. */
function userMessages(content: AnthropicMessage['content']): ChatMessage[] {
  if (typeof content === 'string') return [{ role: 'user', content }];
  const out: ChatMessage[] = [];
  for (const b of content) if (b.type === 'tool_result') out.push(toolMessage(b));
  const parts = partsOf(content);
  if (parts.length > 0 || out.length === 0) out.push({ role: 'user', content: normalizeContent(parts) });
  return out;
}

/** An assistant turn: its text, and its tool_use blocks as tool calls (thinking is dropped). */
function assistantMessage(content: AnthropicMessage['content']): ChatMessage {
  if (typeof content === 'string') return { role: 'assistant', content };
  const text = content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('');
  const calls: ToolCall[] = content.flatMap((b) =>
    b.type === 'tool_use'
      ? [{ id: b.id, type: 'function' as const, function: { name: b.name, arguments: JSON.stringify(b.input) } }]
      : [],
  );
  const out: ChatMessage = { role: 'assistant', content: text || (calls.length ? null : '') };
  if (calls.length) out.tool_calls = calls;
  return out;
}

/** The conversation, the system prompt first. */
export function chatMessages(req: Pick<CountTokensRequest, 'system' | 'messages'>): ChatMessage[] {
  const out: ChatMessage[] = [];
  const system = typeof req.system === 'string' ? req.system : (req.system ?? []).map((b) => b.text).join('\n');
  if (system) out.push({ role: 'system', content: system });
  for (const m of req.messages) {
    if (m.role === 'user') out.push(...userMessages(m.content));
    else out.push(assistantMessage(m.content));
  }
  return out;
}

/** Client tools as function tools; server tools (which only Anthropic runs) are left out and named. */
export function functionTools(tools: readonly AnthropicTool[] | undefined): {
  tools: ToolDefinition[];
  serverTools: string[];
} {
  const out: ToolDefinition[] = [];
  const serverTools: string[] = [];
  for (const t of tools ?? []) {
    if (t.type !== undefined && t.type !== 'custom') {
      serverTools.push(`${t.name} (${t.type})`);
      continue;
    }
    const fn: ToolDefinition['function'] = { name: t.name, parameters: t.input_schema };
    if (t.description) fn.description = t.description;
    out.push({ type: 'function', function: fn });
  }
  return { tools: out, serverTools };
}

function toolParams(req: MessagesRequest, tools: ToolDefinition[], params: ChatParams): void {
  if (tools.length) params.tools = tools;
  const choice = req.tool_choice;
  if (!choice || !tools.length) return;
  params.tool_choice =
    choice.type === 'auto'
      ? 'auto'
      : choice.type === 'any'
        ? 'required'
        : choice.type === 'none'
          ? 'none'
          : { type: 'function', function: { name: choice.name } };
  if (choice.type !== 'none' && choice.disable_parallel_tool_use) params.parallel_tool_calls = false;
}

/** The routed request, and what the gateway accepted but does not carry (reported in x-gateway-ignored). */
export function toRouteRequest(
  req: MessagesRequest,
  requestId: string,
  signal?: RouteRequest['signal'],
): { request: RouteRequest; ignored: string[] } {
  const { tools, serverTools } = functionTools(req.tools);
  const params: ChatParams = { max_tokens: req.max_tokens };
  toolParams(req, tools, params);
  if (req.stop_sequences?.length) params.stop = req.stop_sequences;
  if (req.temperature !== undefined) params.temperature = req.temperature;
  if (req.top_p !== undefined) params.top_p = req.top_p;
  if (req.top_k !== undefined) params.top_k = req.top_k;
  if (req.metadata?.user_id) params.user = req.metadata.user_id;
  const ignored = serverTools.map((t) => `tool ${t}`);
  if (req.thinking && req.thinking.type !== 'disabled') ignored.unshift('thinking');
  const request: RouteRequest = {
    requestId,
    model: req.model,
    messages: chatMessages(req),
    params,
    taskType: req.task_type,
    stream: req.stream ?? false,
    signal,
  };
  return { request, ignored };
}

const STOP_REASON: Record<FinishReason, string> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  content_filter: 'refusal',
};

export function stopReason(finish: FinishReason | undefined, stopSequence: string | undefined): string {
  return stopSequence ? 'stop_sequence' : STOP_REASON[finish ?? 'stop'];
}

export function anthropicUsage(u: TokenUsage): Record<string, number> {
  return {
    input_tokens: u.promptTokens,
    output_tokens: u.completionTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
  };
}

/** A tool call's arguments as the object Anthropic clients expect (arguments that are not a JSON object: {}). */
export function toolInput(args: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(args || '{}');
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

function contentBlocks(r: ChatResponse): Array<Record<string, unknown>> {
  const blocks: Array<Record<string, unknown>> = [];
  if (r.content || !r.toolCalls?.length) blocks.push({ type: 'text', text: r.content ?? '' });
  for (const call of r.toolCalls ?? [])
    blocks.push({ type: 'tool_use', id: call.id, name: call.function.name, input: toolInput(call.function.arguments) });
  return blocks;
}

/** The message id of a request: msg_<request id>. */
export function messageId(requestId: string): string {
  return `msg_${requestId}`;
}

export function toMessage(result: RouteResult): Record<string, unknown> {
  const r = result.response;
  return {
    id: messageId(result.decision.requestId),
    type: 'message',
    role: 'assistant',
    model: result.model.id,
    content: contentBlocks(r),
    stop_reason: stopReason(r.finishReason, r.stopSequence),
    stop_sequence: r.stopSequence ?? null,
    usage: anthropicUsage(result.usage),
  };
}
