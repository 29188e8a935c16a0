import { textOf } from './content';
import type { ChatMessage, ToolDefinition } from './types';

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

/**
 * What an image costs in prompt tokens, whatever its size: about a 1024 x 1024 picture at OpenAI's high
 * detail (765) or Anthropic's (w x h) / 750 rule (~1,400), rounded. Its base64 text is never counted.
 */
export const IMAGE_TOKEN_ESTIMATE = 1000;

function contentTokens(content: ChatMessage['content']): number {
  if (content === null || typeof content === 'string') return estimateTokens(content);
  let total = estimateTokens(textOf(content));
  for (const part of content) if (part.type === 'image_url') total += IMAGE_TOKEN_ESTIMATE;
  return total;
}

/** Estimated prompt tokens of a conversation, including images and tool-call arguments. */
export function estimateMessagesTokens(messages: readonly ChatMessage[]): number {
  let total = 0;
  for (const m of messages) {
    total += MESSAGE_OVERHEAD_TOKENS + contentTokens(m.content);
    for (const call of m.tool_calls ?? [])
      total += estimateTokens(call.function.name) + estimateTokens(call.function.arguments);
  }
  return total;
}

/** Estimated prompt tokens of tool definitions (the upstream renders them into the prompt). */
export function estimateToolsTokens(tools: readonly ToolDefinition[] | undefined): number {
  return tools?.length ? estimateTokens(JSON.stringify(tools)) : 0;
}

/** Estimated prompt tokens of a request: its messages and its tool definitions. */
export function estimatePromptTokens(messages: readonly ChatMessage[], tools?: readonly ToolDefinition[]): number {
  return estimateMessagesTokens(messages) + estimateToolsTokens(tools);
}

/** Builds a TokenUsage whose total is always the sum of its parts. */
export function makeUsage(
  promptTokens: number,
  completionTokens: number,
): { promptTokens: number; completionTokens: number; totalTokens: number } {
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
}
