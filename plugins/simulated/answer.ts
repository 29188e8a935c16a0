import type { ChatMessage } from '@ai-mcp-gateway/provider-sdk';
import { estimateTokens } from '@ai-mcp-gateway/provider-sdk';

const OPENERS: Record<string, string[]> = {
  coding: [
    'Here is a compact way to implement it.',
    'The fix is to handle the edge case before the loop.',
    'A small refactor makes this easier to test.',
  ],
  analysis: [
    'Looking at the figures, three factors stand out.',
    'The data points to a clear trend.',
    'Weighing the trade-offs gives a mixed picture.',
  ],
  math: [
    'Working through it step by step gives the result.',
    'Substituting the known values simplifies the equation.',
    'The proof follows by induction.',
  ],
  creative: [
    'Once, at the edge of a quiet town, a story began.',
    'Picture a morning washed in pale light.',
    'The verse opens with a single image.',
  ],
  chat: ['Happy to help with that.', 'Good question.', 'Sure, here is a short answer.'],
};

const FILLERS = [
  'First, restate the goal so that nothing important is missed.',
  'Next, consider the constraints and what they rule out.',
  'Then check the result against a simple example.',
  'Keep the solution small; it is easier to verify.',
  'Finally, note any assumption that might not hold.',
  'This covers the main points of the request.',
  'Further detail can follow if it is useful.',
];

function lastUserText(messages: readonly ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i].role === 'user' && messages[i].content) return messages[i].content as string;
  }
  return '';
}

/**
 * Plausible answer text of about targetTokens tokens that names the model, so that tests and
 * humans reading a simulation log can tell which model answered.
 */
export function composeAnswer(
  modelId: string,
  taskType: string,
  messages: readonly ChatMessage[],
  targetTokens: number,
  rng: () => number,
): string {
  const openers = OPENERS[taskType] ?? OPENERS.chat;
  const topic = lastUserText(messages).replace(/\s+/g, ' ').trim().slice(0, 60);
  const parts = [`[${modelId}] ${openers[Math.floor(rng() * openers.length)]}`];
  if (topic) parts.push(`Regarding "${topic}":`);
  while (estimateTokens(parts.join(' ')) < targetTokens) parts.push(FILLERS[Math.floor(rng() * FILLERS.length)]);
  return parts.join(' ');
}
