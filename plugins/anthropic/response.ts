import { z } from 'zod';
import {
  ProviderError,
  expectShape,
  makeUsage,
  type ChatDelta,
  type ChatResponse,
  type FinishReason,
  type ProviderErrorKind,
  type ToolCall,
} from '@ai-mcp-gateway/provider-sdk';

/** Anthropic Messages API responses and stream events -> ChatResponse / ChatDelta. */

const usageSchema = z.object({
  input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
  cache_creation_input_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
});
type Usage = z.infer<typeof usageSchema>;

const blockSchema = z.union([
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.unknown() }),
  // Other block kinds (thinking, server tools...) are not part of the answer text.
  z.object({ type: z.string().refine((t) => t !== 'text' && t !== 'tool_use', 'malformed text or tool_use block') }),
]);

export const messageSchema = z.object({
  id: z.string().optional(),
  model: z.string().optional(),
  content: z.array(blockSchema),
  stop_reason: z.string().nullish(),
  stop_sequence: z.string().nullish(),
  usage: usageSchema,
});

export const modelPageSchema = z.object({
  data: z.array(z.object({ id: z.string(), display_name: z.string().optional() })),
  has_more: z.boolean().optional(),
  last_id: z.string().nullish(),
});

const STOP: Record<string, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

export function mapStop(reason: string | null | undefined): FinishReason {
  return (reason && STOP[reason]) || 'stop';
}

/** Cache reads and writes are still prompt tokens the caller pays for. */
function promptTokens(u: Usage): number {
  return (u.input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0);
}

export function toChatResponse(body: unknown, requestedModel: string, name: string): ChatResponse {
  const msg = expectShape(messageSchema, body, `${name} message`);
  let text = '';
  const toolCalls: ToolCall[] = [];
  for (const block of msg.content) {
    if (block.type === 'text' && 'text' in block) text += block.text;
    else if (block.type === 'tool_use' && 'id' in block) {
      toolCalls.push({
        id: block.id,
        type: 'function',
        function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
      });
    }
  }
  const out: ChatResponse = {
    id: msg.id,
    model: msg.model ?? requestedModel,
    content: text || (toolCalls.length ? null : ''),
    finishReason: mapStop(msg.stop_reason),
    usage: makeUsage(promptTokens(msg.usage), msg.usage.output_tokens ?? 0),
  };
  if (msg.stop_sequence) out.stopSequence = msg.stop_sequence;
  if (toolCalls.length) out.toolCalls = toolCalls;
  return out;
}

const ERROR_KINDS: Record<string, ProviderErrorKind> = {
  overloaded_error: 'upstream',
  api_error: 'upstream',
  rate_limit_error: 'rate_limited',
  authentication_error: 'auth',
  permission_error: 'auth',
  invalid_request_error: 'bad_request',
  request_too_large: 'bad_request',
  not_found_error: 'not_found',
  timeout_error: 'timeout',
};

/** An `error` event sent in the middle of a stream (e.g. overloaded_error). */
export function streamError(data: { error?: { type?: string; message?: string } }, name: string): ProviderError {
  const type = data.error?.type ?? 'api_error';
  return new ProviderError(
    ERROR_KINDS[type] ?? 'upstream',
    `${name}: upstream failed mid-stream: ${type}: ${data.error?.message ?? 'no message'}`,
  );
}

const eventSchema = z.object({
  type: z.string(),
  index: z.number().int().optional(),
  message: z.object({ usage: usageSchema.optional() }).optional(),
  content_block: z
    .object({ type: z.string(), id: z.string().optional(), name: z.string().optional(), text: z.string().optional() })
    .optional(),
  delta: z
    .object({
      type: z.string().optional(),
      text: z.string().optional(),
      partial_json: z.string().optional(),
      stop_reason: z.string().nullish(),
      stop_sequence: z.string().nullish(),
    })
    .optional(),
  usage: usageSchema.optional(),
  error: z.object({ type: z.string().optional(), message: z.string().optional() }).optional(),
});
export type StreamEvent = z.infer<typeof eventSchema>;

export function parseStreamEvent(data: unknown, name: string): StreamEvent {
  return expectShape(eventSchema, data, `${name} stream event`);
}

/** Follows one streamed message: content blocks become deltas, usage and stop reason are kept for the end. */
export class StreamState {
  private prompt = 0;
  private completion = 0;
  private stop?: string | null;
  private stopSequence?: string | null;
  /** Anthropic numbers all content blocks; tool calls are numbered among tool calls only. */
  private readonly toolIndex = new Map<number, number>();
  stopped = false;

  constructor(private readonly name: string) {}

  /** Returns the delta this event carries, if any; throws on an error event. */
  handle(ev: StreamEvent): ChatDelta | undefined {
    switch (ev.type) {
      case 'message_start':
        if (ev.message?.usage) this.absorbUsage(ev.message.usage);
        return undefined;
      case 'content_block_start':
        return this.blockStart(ev);
      case 'content_block_delta':
        return this.blockDelta(ev);
      case 'message_delta':
        if (ev.delta?.stop_reason !== undefined) this.stop = ev.delta.stop_reason;
        if (ev.delta?.stop_sequence !== undefined) this.stopSequence = ev.delta.stop_sequence;
        if (ev.usage) this.absorbUsage(ev.usage);
        return undefined;
      case 'message_stop':
        this.stopped = true;
        return undefined;
      case 'error':
        throw streamError(ev, this.name);
      default:
        return undefined; // ping, content_block_stop and event types added later
    }
  }

  private absorbUsage(u: Usage): void {
    if (u.input_tokens != null) this.prompt = promptTokens(u);
    if (u.output_tokens != null) this.completion = u.output_tokens;
  }

  private blockStart(ev: StreamEvent): ChatDelta | undefined {
    const block = ev.content_block;
    if (block?.type === 'tool_use' && ev.index !== undefined) {
      const index = this.toolIndex.size;
      this.toolIndex.set(ev.index, index);
      return {
        toolCalls: [{ index, id: block.id, type: 'function', function: { name: block.name ?? '', arguments: '' } }],
      };
    }
    return block?.type === 'text' && block.text ? { content: block.text } : undefined;
  }

  private blockDelta(ev: StreamEvent): ChatDelta | undefined {
    if (ev.delta?.type === 'text_delta' && ev.delta.text) return { content: ev.delta.text };
    if (ev.delta?.type === 'input_json_delta' && ev.index !== undefined) {
      const index = this.toolIndex.get(ev.index);
      if (index === undefined)
        throw new ProviderError(
          'malformed_response',
          `${this.name}: input_json_delta for block ${ev.index}, which is not a tool_use block`,
        );
      return ev.delta.partial_json
        ? { toolCalls: [{ index, function: { arguments: ev.delta.partial_json } }] }
        : undefined;
    }
    return undefined; // thinking and signature deltas are not part of the answer
  }

  /** The closing delta; a stream without message_stop was cut short. */
  finish(): ChatDelta {
    if (!this.stopped) throw new ProviderError('connection', `${this.name}: stream ended before message_stop`);
    const last: ChatDelta = { finishReason: mapStop(this.stop), usage: makeUsage(this.prompt, this.completion) };
    if (this.stopSequence) last.stopSequence = this.stopSequence;
    return last;
  }
}
