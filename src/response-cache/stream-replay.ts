import type { ChatDelta, ChatResponse, FinishReason, TokenUsage, ToolCall } from '@ai-mcp-gateway/provider-sdk';

/** Assembles a streamed answer from its deltas, to keep it once the stream ended well. */
export class StreamAssembler {
  private content = '';
  private readonly calls: ToolCall[] = [];
  private finish?: FinishReason;
  private stopSequence?: string;
  private usage?: TokenUsage;

  add(delta: ChatDelta): void {
    if (delta.content) this.content += delta.content;
    for (const t of delta.toolCalls ?? []) {
      const call = (this.calls[t.index] ??= { id: '', type: 'function', function: { name: '', arguments: '' } });
      if (t.id) call.id = t.id;
      if (t.function?.name) call.function.name += t.function.name;
      if (t.function?.arguments) call.function.arguments += t.function.arguments;
    }
    if (delta.finishReason) this.finish = delta.finishReason;
    if (delta.stopSequence) this.stopSequence = delta.stopSequence;
    if (delta.usage) this.usage = delta.usage;
  }

  /** The answer, or undefined when the stream never said how it finished. */
  response(model: string, usage: TokenUsage): ChatResponse | undefined {
    if (!this.finish) return undefined;
    const out: ChatResponse = {
      model,
      content: this.content || null,
      finishReason: this.finish,
      usage: this.usage ?? usage,
    };
    const calls = this.calls.filter((c) => c !== undefined);
    if (calls.length > 0) out.toolCalls = calls;
    if (this.stopSequence) out.stopSequence = this.stopSequence;
    return out;
  }
}

/** A kept answer as a stream: its text in pieces, its tool calls, then the finish with the usage. */
export function* replayDeltas(response: ChatResponse, pieceChars = 64): Generator<ChatDelta> {
  const text = response.content ?? '';
  for (let i = 0; i < text.length; i += pieceChars) yield { content: text.slice(i, i + pieceChars) };
  if (response.toolCalls?.length)
    yield {
      toolCalls: response.toolCalls.map((c, index) => ({
        index,
        id: c.id,
        type: 'function',
        function: { ...c.function },
      })),
    };
  const last: ChatDelta = { finishReason: response.finishReason, usage: response.usage };
  if (response.stopSequence) last.stopSequence = response.stopSequence;
  yield last;
}
