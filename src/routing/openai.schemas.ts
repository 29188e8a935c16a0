import { z } from 'zod';

const textPart = z.object({ type: z.literal('text'), text: z.string() });

/** A base64 data URL of an image, or an https URL (the upstream fetches it). */
const imageUrl = z
  .string()
  .refine(
    (url) => /^data:image\/[\w.+-]+;base64,/i.test(url) || url.startsWith('https://'),
    'must be a base64 data URL (data:image/png;base64,...) or an https URL',
  );

const imagePart = z.object({
  type: z.literal('image_url'),
  image_url: z.object({ url: imageUrl, detail: z.enum(['auto', 'low', 'high']).optional() }),
});

const PART_TYPES = 'must be a text or image_url part (audio and file parts are not supported)';

/** A user message's content: a string, or text and image parts. */
const userContent = z.union([
  z.string(),
  z.array(z.discriminatedUnion('type', [textPart, imagePart], { error: PART_TYPES })).min(1, 'must have a part'),
]);

/** Other roles' content: a string, or an array of text parts (joined with newlines for the provider). */
const content = z.union([z.string(), z.array(textPart).min(1, 'must have at least one text part')]);

const toolCall = z.object({
  id: z.string(),
  type: z.literal('function'),
  function: z.object({ name: z.string(), arguments: z.string() }),
});

const message = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content, name: z.string().optional() }),
  z.object({ role: z.literal('developer'), content, name: z.string().optional() }),
  z.object({ role: z.literal('user'), content: userContent, name: z.string().optional() }),
  z.object({
    role: z.literal('assistant'),
    content: content.nullable().optional(),
    name: z.string().optional(),
    tool_calls: z.array(toolCall).nullish(),
  }),
  z.object({ role: z.literal('tool'), content, tool_call_id: z.string() }),
]);

export const functionTool = z.object({
  type: z.literal('function', 'only function tools are supported'),
  function: z.object({
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, "_" or "-"'),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
});

const toolChoice = z.union(
  [
    z.enum(['auto', 'none', 'required']),
    z.object({ type: z.literal('function'), function: z.object({ name: z.string().min(1) }) }),
  ],
  { error: 'must be "auto", "none", "required" or {type: "function", function: {name}}' },
);

/**
 * The OpenAI chat-completions request: the fields the gateway understands (unknown ones are ignored, as
 * OpenAI-style servers do). `null` stands for "not set" in every optional field, as the openai client sends it.
 */
export const chatCompletionRequest = z.object({
  model: z.string().min(1, 'must name a model, a layer or "auto"').default('auto'),
  messages: z.array(message).min(1, 'must contain at least one message'),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  seed: z.number().int().nullish(),
  n: z.literal(1, 'only n = 1 is supported').nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
  tools: z.array(functionTool).nullish(),
  tool_choice: toolChoice.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  response_format: z.unknown().optional(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: z.number().int().min(0).max(20).nullish(),
  logit_bias: z.record(z.string(), z.number().min(-100).max(100)).nullish(),
  reasoning_effort: z.enum(['minimal', 'low', 'medium', 'high']).nullish(),
  user: z.string().nullish(),
  metadata: z.record(z.string().max(64), z.string().max(512)).nullish(),
  /** Gateway extension: skip the classifier. */
  task_type: z.string().min(1).max(100).optional(),
});

export type ChatCompletionRequest = z.infer<typeof chatCompletionRequest>;

type Issue = z.core.$ZodIssue;

/**
 * The issue that says most: inside a union nobody matched, the option that got furthest (its first
 * issue's path is the longest, the first option on a tie), with the path made whole.
 */
export function deepestIssue(issue: Issue): Issue {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue;
  let best: Issue | undefined;
  for (const branch of issue.errors) {
    const first = branch[0];
    if (first && (!best || first.path.length > best.path.length)) best = first;
  }
  // No option got past the value itself: a union with its own message says it best.
  if (!best || (best.path.length === 0 && issue.message !== 'Invalid input')) return issue;
  return deepestIssue({ ...best, path: [...issue.path, ...best.path] });
}

/** The first issue as OpenAI reports it: a message naming the field, and the field as `param`. */
export function describeRequestIssue(error: z.ZodError): { message: string; param: string | null } {
  const issue = deepestIssue(error.issues[0]);
  const param = issue.path.length
    ? issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('')
    : null;
  const reason =
    issue.code === 'invalid_type' && issue.message.includes('received undefined') ? 'is required' : issue.message;
  return { message: `Invalid request: ${param ?? 'body'} ${reason}`.trim(), param };
}
