import { z } from 'zod';
import { ProviderError, type ChatMessage, type ChatRequest } from '@ai-mcp-gateway/provider-sdk';

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

/** One chat message as Anthropic content; tool results travel in user turns. */
function toWire(m: ChatMessage): WireMessage {
  if (m.role === 'tool') {
    if (!m.tool_call_id) throw badRequest('a tool message needs tool_call_id');
    return { role: 'user', content: [{ type: 'tool_result', tool_use_id: m.tool_call_id, content: m.content ?? '' }] };
  }
  if (m.role === 'assistant' && m.tool_calls?.length) {
    const text: Block[] = m.content ? [{ type: 'text', text: m.content }] : [];
    return { role: 'assistant', content: [...text, ...toolUseBlocks(m)] };
  }
  return { role: m.role === 'assistant' ? 'assistant' : 'user', content: m.content ?? '' };
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

/** Builds the body. seed and response_format have no Messages API equivalent and are left out. */
export function messagesBody(request: ChatRequest, maxTokensDefault: number, stream: boolean): Record<string, unknown> {
  const system = request.messages.filter((m) => m.role === 'system' && m.content).map((m) => m.content as string);
  const body: Record<string, unknown> = {
    model: request.model,
    max_tokens: request.max_tokens ?? maxTokensDefault,
    messages: mergeTurns(request.messages.filter((m) => m.role !== 'system').map(toWire)),
  };
  if (system.length) body.system = system.join('\n\n');
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.top_p !== undefined) body.top_p = request.top_p;
  if (request.stop?.length) body.stop_sequences = request.stop;
  if (request.tools?.length) body.tools = mapTools(request.tools);
  const toolChoice = mapToolChoice(request.tool_choice);
  if (toolChoice) body.tool_choice = toolChoice;
  if (stream) body.stream = true;
  return body;
}
