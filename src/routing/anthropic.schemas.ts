import { z } from 'zod';

/**
 * The Anthropic Messages API request (`POST /v1/messages`, `POST /v1/messages/count_tokens`): the fields
 * the gateway understands. Unknown fields (cache_control, citations, context_management...) are ignored,
 * as with the OpenAI door; thinking and server tools are accepted and reported as ignored.
 */

const textBlock = z.object({ type: z.literal('text'), text: z.string() });

const MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] as const;

const imageSource = z.discriminatedUnion(
  'type',
  [
    z.object({
      type: z.literal('base64'),
      media_type: z.enum(MEDIA_TYPES),
      data: z.string().min(1, 'must hold the base64 image'),
    }),
    z.object({
      type: z.literal('url'),
      url: z.string().refine((u) => u.startsWith('https://'), 'must be an https URL'),
    }),
  ],
  { error: 'must be a base64 or url image source' },
);

const imageBlock = z.object({ type: z.literal('image'), source: imageSource });

const toolUseBlock = z.object({
  type: z.literal('tool_use'),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
});

const toolResultBlock = z.object({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: z
    .union([
      z.string(),
      z.array(z.discriminatedUnion('type', [textBlock, imageBlock], { error: 'must be a text or image block' })),
    ])
    .optional(),
  is_error: z.boolean().optional(),
});

/** Reasoning from an earlier answer: accepted in history, not sent on (the gateway does not carry thinking). */
const thinkingBlock = z.object({ type: z.enum(['thinking', 'redacted_thinking']) });

const block = z.discriminatedUnion('type', [textBlock, imageBlock, toolUseBlock, toolResultBlock, thinkingBlock], {
  error:
    'must be a text, image, tool_use, tool_result or thinking block (documents and server tool blocks are not supported)',
});

const message = z.object({
  role: z.enum(['user', 'assistant']),
  content: z.union([z.string(), z.array(block)]),
});

/** A client tool (`custom`, with an input schema) or one of Anthropic's server tools (web search...), which only Anthropic runs. */
const tool = z
  .object({
    type: z.string().optional(),
    name: z.string().min(1),
    description: z.string().optional(),
    input_schema: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((t) => (t.type !== undefined && t.type !== 'custom') || t.input_schema !== undefined, {
    message: 'a custom tool needs input_schema',
    path: ['input_schema'],
  });

const parallel = { disable_parallel_tool_use: z.boolean().optional() };
const toolChoice = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('auto'), ...parallel }),
    z.object({ type: z.literal('any'), ...parallel }),
    z.object({ type: z.literal('tool'), name: z.string().min(1), ...parallel }),
    z.object({ type: z.literal('none') }),
  ],
  { error: 'must be {type: "auto" | "any" | "tool" | "none"}' },
);

const system = z.union([z.string(), z.array(textBlock)]);

/** What count_tokens reads: the prompt only. */
export const countTokensRequest = z.object({
  model: z.string().min(1, 'must name a model, a layer or "auto"'),
  messages: z.array(message).min(1, 'must contain at least one message'),
  system: system.optional(),
  tools: z.array(tool).optional(),
  tool_choice: toolChoice.optional(),
  thinking: z.object({ type: z.string() }).optional(),
});

export const messagesRequest = countTokensRequest.extend({
  max_tokens: z.number().int().positive(),
  stop_sequences: z.array(z.string()).optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().min(0).optional(),
  stream: z.boolean().optional(),
  metadata: z.object({ user_id: z.string().max(256).nullish() }).optional(),
  /** Gateway extension, as on the OpenAI door: skip the classifier. */
  task_type: z.string().min(1).max(100).optional(),
});

export type MessagesRequest = z.infer<typeof messagesRequest>;
export type CountTokensRequest = z.infer<typeof countTokensRequest>;
export type AnthropicMessage = MessagesRequest['messages'][number];
export type AnthropicTool = NonNullable<MessagesRequest['tools']>[number];
