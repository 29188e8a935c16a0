import { z } from 'zod';
import {
  ProviderError,
  parseDataUrl,
  textOf,
  type ChatMessage,
  type ChatRequest,
  type ContentPart,
} from '@ai-mcp-gateway/provider-sdk';

/** ChatRequest (OpenAI-style) -> Anthropic Messages API request body. */

type Block = Record<string, unknown>;
interface WireMessage {
  role: 'user' | 'assistant';
  content: string | Block[];
}

const openaiToolSchema = z.object({
  type: z.literal('function'),
  function: z.object({
    name: z.string().min(1),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
  }),
});

function badRequest(message: string, cause?: unknown): ProviderError {
  return new ProviderError('bad_request', `anthropic: ${message}`, { cause });
}

function toolUseBlocks(m: ChatMessage): Block[] {
  return (m.tool_calls ?? []).map((call) => {
    let input: unknown;
    try {
      input = JSON.parse(call.function.arguments || '{}');
    } catch (err) {
      throw badRequest(`arguments of tool call ${call.id} are not JSON`, err);
    }
    return { type: 'tool_use', id: call.id, name: call.function.name, input };
  });
}

/** An image_url part as an image block: a data URL becomes a base64 source, an https URL a url source. */
function imageBlock(url: string): Block {
  const inline = parseDataUrl(url);
  if (inline) return { type: 'image', source: { type: 'base64', media_type: inline.mediaType, data: inline.data } };
  if (url.startsWith('https://')) return { type: 'image', source: { type: 'url', url } };
  throw badRequest('an image must be a base64 data URL or an https URL');
}

function partBlocks(parts: ContentPart[]): Block[] {
  return parts.map((p) => (p.type === 'text' ? { type: 'text', text: p.text } : imageBlock(p.image_url.url)));
}

/** Message content as Anthropic takes it: a string, or blocks when there are images. */
function wireContent(content: ChatMessage['content']): string | Block[] {
  if (content === null) return '';
  return typeof content === 'string' ? content : partBlocks(content);
}

/** One chat message as Anthropic content; tool results travel in user turns. */
function toWire(m: ChatMessage): WireMessage {
  if (m.role === 'tool') {
    if (!m.tool_call_id) throw badRequest('a tool message needs tool_call_id');
    return {
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: m.tool_call_id, content: wireContent(m.content) }],
    };
  }
  if (m.role === 'assistant' && m.tool_calls?.length) {
    return { role: 'assistant', content: [...asBlocks(wireContent(m.content)), ...toolUseBlocks(m)] };
  }
  return { role: m.role === 'assistant' ? 'assistant' : 'user', content: wireContent(m.content) };
}

function asBlocks(content: string | Block[]): Block[] {
  return typeof content === 'string' ? (content ? [{ type: 'text', text: content }] : []) : content;
}

/** The API wants alternating turns: consecutive messages of one role (e.g. several tool results) are merged. */
function mergeTurns(messages: WireMessage[]): WireMessage[] {
  const out: WireMessage[] = [];
  for (const m of messages) {
    const prev = out[out.length - 1];
    if (prev && prev.role === m.role) prev.content = [...asBlocks(prev.content), ...asBlocks(m.content)];
    else out.push({ ...m });
  }
  return out;
}

function mapTools(tools: unknown[]): Block[] {
  return tools.map((t, i) => {
    const parsed = openaiToolSchema.safeParse(t);
    if (!parsed.success) throw badRequest(`tools[${i}] is not an OpenAI function tool`, parsed.error);
    const f = parsed.data.function;
    return {
      name: f.name,
      ...(f.description ? { description: f.description } : {}),
      input_schema: f.parameters ?? { type: 'object', properties: {} },
    };
  });
}

function mapToolChoice(choice: unknown): Block | undefined {
  if (choice === undefined) return undefined;
  if (choice === 'auto') return { type: 'auto' };
  if (choice === 'required') return { type: 'any' };
  if (choice === 'none') return { type: 'none' };
  const name = (choice as { function?: { name?: unknown } })?.function?.name;
  if (typeof name === 'string') return { type: 'tool', name };
  throw badRequest(`unsupported tool_choice ${JSON.stringify(choice)}`);
}

/** parallel_tool_calls: false is the tool choice's disable_parallel_tool_use (`none` takes no such flag). */
function toolChoiceOf(request: ChatRequest): Block | undefined {
  const choice = mapToolChoice(request.tool_choice);
  if (request.parallel_tool_calls !== false || !request.tools?.length) return choice;
  if (choice?.type === 'none') return choice;
  return { ...(choice ?? { type: 'auto' }), disable_parallel_tool_use: true };
}

function systemText(request: ChatRequest): string | undefined {
  const parts = request.messages.filter((m) => m.role === 'system').map((m) => textOf(m.content));
  const text = parts.filter(Boolean).join('\n\n');
  return text || undefined;
}

/**
 * Builds the body. seed and response_format have no Messages API equivalent and are left out; the
 * optional fields this plugin declares (ANTHROPIC_PARAMS) are mapped: max_completion_tokens is the
 * answer's budget like max_tokens, user is metadata.user_id.
 */
export function messagesBody(request: ChatRequest, maxTokensDefault: number, stream: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: request.model,
    max_tokens: request.max_completion_tokens ?? request.max_tokens ?? maxTokensDefault,
    messages: mergeTurns(request.messages.filter((m) => m.role !== 'system').map(toWire)),
  };
  const system = systemText(request);
  if (system) body.system = system;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.top_p !== undefined) body.top_p = request.top_p;
  if (request.top_k !== undefined) body.top_k = request.top_k;
  if (request.stop?.length) body.stop_sequences = request.stop;
  if (request.tools?.length) body.tools = mapTools(request.tools);
  const toolChoice = toolChoiceOf(request);
  if (toolChoice) body.tool_choice = toolChoice;
  if (request.user !== undefined) body.metadata = { user_id: request.user };
  if (stream) body.stream = true;
  return body;
}

/** The optional request fields messagesBody maps. */
export const ANTHROPIC_PARAMS = ['max_completion_tokens', 'parallel_tool_calls', 'top_k', 'user'] as const;
