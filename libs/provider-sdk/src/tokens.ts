import type { ChatMessage } from './types';

/**
 * A deterministic token estimate (~4 characters per token, the usual rule of thumb for English and
 * code). Used where an upstream reports no usage and by the simulated provider; never for billing
 * when the upstream gives real numbers.
 */
export function estimateTokens(text: string | null | undefined): number {
  if (!text) return 0;
  return Math.ceil(text.length / 4);
}

/** Per-message framing overhead, as chat templates add role markers around each message. */
const MESSAGE_OVERHEAD_TOKENS = 4;

/** Estimated prompt tokens of a conversation, including tool-call arguments. */
export function estimateMessagesTokens(messages: readonly ChatMessage[]): number {
  let total = 0;
  for (const m of messages) {
    total += MESSAGE_OVERHEAD_TOKENS + estimateTokens(m.content);
    for (const call of m.tool_calls ?? [])
      total += estimateTokens(call.function.name) + estimateTokens(call.function.arguments);
  }
  return total;
}

/** Builds a TokenUsage whose total is always the sum of its parts. */
export function makeUsage(
  promptTokens: number,
  completionTokens: number,
): { promptTokens: number; completionTokens: number; totalTokens: number } {
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
}
