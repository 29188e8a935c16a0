import { z } from 'zod';

const textPart = z.object({ type: z.literal('text'), text: z.string() });

/** A message's content: a string, or an array of text parts (joined with newlines for the provider). */
const content = z.union([z.string(), z.array(textPart).min(1, 'must have at least one text part')]);

const toolCall = z.object({
  id: z.string(),
  type: z.literal('function'),
  function: z.object({ name: z.string(), arguments: z.string() }),
});

const message = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content, name: z.string().optional() }),
  z.object({ role: z.literal('developer'), content, name: z.string().optional() }),
  z.object({ role: z.literal('user'), content, name: z.string().optional() }),
  z.object({
    role: z.literal('assistant'),
    content: content.nullable().optional(),
    name: z.string().optional(),
    tool_calls: z.array(toolCall).optional(),
  }),
  z.object({ role: z.literal('tool'), content, tool_call_id: z.string() }),
]);

/** The OpenAI chat-completions request (the fields the gateway understands; unknown ones are ignored, as OpenAI-style servers do). */
export const chatCompletionRequest = z.object({
  model: z.string().min(1, 'must name a model, a layer or "auto"').default('auto'),
  messages: z.array(message).min(1, 'must contain at least one message'),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().min(0).max(1).optional(),
  max_tokens: z.number().int().positive().optional(),
  max_completion_tokens: z.number().int().positive().optional(),
  stop: z
    .union([z.string(), z.array(z.string()).max(4)])
    .nullable()
    .optional(),
  seed: z.number().int().optional(),
  n: z.literal(1, 'only n = 1 is supported').optional(),
  stream: z.boolean().default(false),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullable().optional(),
  tools: z.array(z.unknown()).optional(),
  tool_choice: z.unknown().optional(),
  response_format: z.unknown().optional(),
  user: z.string().optional(),
  /** Gateway extension: skip the classifier. */
  task_type: z.string().min(1).max(100).optional(),
});

export type ChatCompletionRequest = z.infer<typeof chatCompletionRequest>;

/** The first issue as OpenAI reports it: a message naming the field, and the field as `param`. */
export function describeRequestIssue(error: z.ZodError): { message: string; param: string | null } {
  const issue = error.issues[0];
  const param = issue.path.length
    ? issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('')
    : null;
  const reason =
    issue.code === 'invalid_type' && issue.message.includes('received undefined') ? 'is required' : issue.message;
  return { message: `Invalid request: ${param ?? 'body'} ${reason}`.trim(), param };
}
