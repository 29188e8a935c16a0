import type { ChatDelta, ChatLogprobs, FinishReason, TokenUsage, ToolCall } from './types';

/** A streamed answer put back together. */
export interface CollectedStream {
  content: string;
  toolCalls: ToolCall[];
  finishReason?: FinishReason;
  stopSequence?: string;
  usage?: TokenUsage;
  logprobs?: ChatLogprobs;
  providerMetadata?: Record<string, unknown>;
  /** How many deltas the stream yielded. */
  deltas: number;
}

/**
 * Drains a delta stream into one answer: content concatenated, tool-call fragments merged by index
 * (ids and names as first given, arguments appended), log probabilities appended, the last finishReason,
 * stop sequence and usage kept.
 */
export async function collectStream(stream: AsyncIterable<ChatDelta>): Promise<CollectedStream> {
  const out: CollectedStream = { content: '', toolCalls: [], deltas: 0 };
  const calls = new Map<number, ToolCall>();
  for await (const delta of stream) {
    out.deltas++;
    if (delta.content) out.content += delta.content;
    for (const part of delta.toolCalls ?? []) {
      const call = calls.get(part.index) ?? {
        id: '',
        type: 'function' as const,
        function: { name: '', arguments: '' },
      };
      if (part.id && !call.id) call.id = part.id;
      if (part.function?.name && !call.function.name) call.function.name = part.function.name;
      if (part.function?.arguments) call.function.arguments += part.function.arguments;
      calls.set(part.index, call);
    }
    if (delta.logprobs) {
      const logprobs = (out.logprobs ??= { content: [] });
      (logprobs.content ??= []).push(...(delta.logprobs.content ?? []));
    }
    if (delta.finishReason) out.finishReason = delta.finishReason;
    if (delta.stopSequence) out.stopSequence = delta.stopSequence;
    if (delta.usage) out.usage = delta.usage;
    if (delta.providerMetadata) out.providerMetadata = delta.providerMetadata;
  }
  out.toolCalls = [...calls.entries()].sort((a, b) => a[0] - b[0]).map(([, call]) => call);
  return out;
}

/** Cuts text into about `parts` pieces at word boundaries, so that streams have several deltas. */
export function splitText(text: string, parts = 4): string[] {
  if (!text) return [];
  const words = text.split(/(?<=\s)/);
  const per = Math.max(1, Math.ceil(words.length / parts));
  const out: string[] = [];
  for (let i = 0; i < words.length; i += per) out.push(words.slice(i, i + per).join(''));
  return out;
}
