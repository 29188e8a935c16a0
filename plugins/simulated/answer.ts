import type { ChatMessage, ImagePart } from '@ai-mcp-gateway/provider-sdk';
import { base64Bytes, estimateTokens, imagesOf, parseDataUrl, textOf } from '@ai-mcp-gateway/provider-sdk';

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

function lastUser(messages: readonly ChatMessage[]): ChatMessage | undefined {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i].role === 'user') return messages[i];
  return undefined;
}

function snippet(text: string, max = 60): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, max);
}

/** What the simulated model "sees" in an image: its type and size, or its address. */
function describeImage(image: ImagePart): string {
  const inline = parseDataUrl(image.image_url.url);
  return inline ? `${inline.mediaType}, ${base64Bytes(inline.data)} bytes` : image.image_url.url.slice(0, 80);
}

/** The part of the answer about the conversation's end: the tool results it ends with, or the user's message. */
function aboutTheRequest(messages: readonly ChatMessage[]): string[] {
  const results: string[] = [];
  for (let i = messages.length - 1; i >= 0 && messages[i].role === 'tool'; i--) {
    const m = messages[i];
    const call = messages
      .slice(0, i)
      .flatMap((x) => x.tool_calls ?? [])
      .find((c) => c.id === m.tool_call_id);
    results.unshift(
      `The tool ${call?.function.name ?? m.tool_call_id ?? 'call'} returned "${snippet(textOf(m.content))}".`,
    );
  }
  if (results.length) return results;
  const user = lastUser(messages);
  const out: string[] = [];
  const topic = snippet(textOf(user?.content ?? null));
  if (topic) out.push(`Regarding "${topic}":`);
  const images = imagesOf(user?.content ?? null);
  if (images.length)
    out.push(`I see ${images.length} image${images.length > 1 ? 's' : ''} (${images.map(describeImage).join('; ')}).`);
  return out;
}

/**
 * Plausible answer text of about targetTokens tokens that names the model, so that tests and
 * humans reading a simulation log can tell which model answered; it quotes the user's message (and
 * describes its images) or the tool results the conversation ends with.
 */
export function composeAnswer(
  modelId: string,
  taskType: string,
  messages: readonly ChatMessage[],
  targetTokens: number,
  rng: () => number,
): string {
  const openers = OPENERS[taskType] ?? OPENERS.chat;
  const parts = [`[${modelId}] ${openers[Math.floor(rng() * openers.length)]}`, ...aboutTheRequest(messages)];
  while (estimateTokens(parts.join(' ')) < targetTokens) parts.push(FILLERS[Math.floor(rng() * FILLERS.length)]);
  return parts.join(' ');
}
