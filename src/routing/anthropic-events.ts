import type { ChatDelta, FinishReason, TokenUsage, ToolCallDelta } from '@ai-mcp-gateway/provider-sdk';
import { anthropicUsage, stopReason } from './anthropic.mapper';

function event(type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

/**
 * Serialises a streamed answer as the Messages API's events: message_start and a ping, then one content
 * block per text run and per tool call (content_block_start, content_block_delta..., content_block_stop),
 * then message_delta (stop reason, usage) and message_stop. An error ends the stream with an error event.
 */
export class MessageEvents {
  /** The open block: its index and what it holds (a text run, or the tool call of that index). */
  private open?: { index: number; text: boolean };
  private blocks = 0;
  private readonly toolBlocks = new Map<number, number>();
  private finish?: FinishReason;
  private stopSequence?: string;

  constructor(
    private readonly id: string,
    private readonly model: string,
  ) {}

  /** message_start (with the estimated prompt tokens) and a ping. */
  start(promptTokens: number): string {
    const message = {
      id: this.id,
      type: 'message',
      role: 'assistant',
      model: this.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: {
        input_tokens: promptTokens,
        output_tokens: 0,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
      },
    };
    return event('message_start', { message }) + event('ping', {});
  }

  /** The events of one delta ('' when it carries nothing visible). */
  delta(d: ChatDelta): string {
    if (d.finishReason) this.finish = d.finishReason;
    if (d.stopSequence) this.stopSequence = d.stopSequence;
    let out = '';
    if (d.content) {
      if (!this.open?.text) out += this.startBlock({ type: 'text', text: '' }, true);
      out += event('content_block_delta', { index: this.open!.index, delta: { type: 'text_delta', text: d.content } });
    }
    for (const part of d.toolCalls ?? []) out += this.toolFragment(part);
    return out;
  }

  /** Closes the open block and the message. */
  end(usage: TokenUsage | undefined): string {
    const delta = { stop_reason: stopReason(this.finish, this.stopSequence), stop_sequence: this.stopSequence ?? null };
    const counts = usage ? anthropicUsage(usage) : { output_tokens: 0 };
    return this.closeBlock() + event('message_delta', { delta, usage: counts }) + event('message_stop', {});
  }

  /** An in-band error (Anthropic's error body); the stream ends after it. */
  static error(body: unknown): string {
    return `event: error\ndata: ${JSON.stringify(body)}\n\n`;
  }

  private toolFragment(part: ToolCallDelta): string {
    let out = '';
    let index = this.toolBlocks.get(part.index);
    if (index === undefined) {
      const block = {
        type: 'tool_use',
        id: part.id ?? `toolu_${this.id}_${part.index}`,
        name: part.function?.name ?? '',
        input: {},
      };
      out += this.startBlock(block, false);
      index = this.open!.index;
      this.toolBlocks.set(part.index, index);
    }
    const args = part.function?.arguments;
    if (args) out += event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: args } });
    return out;
  }

  private startBlock(block: Record<string, unknown>, text: boolean): string {
    const out = this.closeBlock();
    this.open = { index: this.blocks++, text };
    return out + event('content_block_start', { index: this.open.index, content_block: block });
  }

  private closeBlock(): string {
    if (!this.open) return '';
    const out = event('content_block_stop', { index: this.open.index });
    this.open = undefined;
    return out;
  }
}
