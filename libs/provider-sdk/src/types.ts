import type { z } from 'zod';

/** OpenAI-style chat roles; plugins map them to their upstream's shapes. */
export type ChatRole = 'system' | 'user' | 'assistant' | 'tool';

export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** A piece of text in a message made of parts. */
export interface TextPart {
  type: 'text';
  text: string;
}

/**
 * An image in a message, in OpenAI's shape: `url` is a data URL (`data:image/png;base64,...`) or an
 * https URL. Plugins map it to their upstream's form (Anthropic: an image block with a base64 or url
 * source). The gateway routes a request with images only to models with `vision: true`.
 */
export interface ImagePart {
  type: 'image_url';
  image_url: { url: string; detail?: 'auto' | 'low' | 'high' };
}

export type ContentPart = TextPart | ImagePart;

export interface ChatMessage {
  role: ChatRole;
  /**
   * Text, or parts (text and images, in order) when the message carries an image. A message of text
   * parts only arrives as one string (the parts joined by newlines): plugins meet parts only with images.
   */
  content: string | ContentPart[] | null;
  name?: string;
  tool_call_id?: string;
  tool_calls?: ToolCall[];
}

/** A function the model may call (OpenAI's shape; plugins map it to theirs). */
export interface ToolDefinition {
  type: 'function';
  function: {
    name: string;
    description?: string;
    /** JSON Schema of the arguments object. */
    parameters?: Record<string, unknown>;
    strict?: boolean | null;
  };
}

/** `auto` (the model decides), `none`, `required` (some tool), or one named tool. */
export type ToolChoice = 'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } };

/**
 * Request fields a provider honours only when it lists them in `ProviderInstance.supportedParams`: the
 * gateway answers 400 naming the field when a request sets one that the chosen model's provider does
 * not list (max_completion_tokens excepted: it is sent as max_tokens to a provider that does not take it).
 */
export const OPTIONAL_CHAT_PARAMS = [
  'max_completion_tokens',
  'presence_penalty',
  'frequency_penalty',
  'logprobs',
  'top_logprobs',
  'logit_bias',
  'reasoning_effort',
  'parallel_tool_calls',
  'top_k',
  'user',
  'metadata',
] as const;

export type OptionalChatParam = (typeof OPTIONAL_CHAT_PARAMS)[number];

/** What the gateway asks a provider for. `model` is the upstream model name. */
export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  /** The answer's token budget as OpenAI's newer models take it (they refuse max_tokens). */
  max_completion_tokens?: number;
  stop?: string[];
  seed?: number;
  tools?: ToolDefinition[];
  tool_choice?: ToolChoice;
  response_format?: unknown;
  presence_penalty?: number;
  frequency_penalty?: number;
  /** Return the log probability of each output token (OpenAI's `logprobs`); `top_logprobs` alternatives each. */
  logprobs?: boolean;
  top_logprobs?: number;
  logit_bias?: Record<string, number>;
  reasoning_effort?: 'minimal' | 'low' | 'medium' | 'high';
  /** false: at most one tool call per answer. */
  parallel_tool_calls?: boolean;
  /** Sample from the k most likely tokens only (Anthropic's top_k). */
  top_k?: number;
  /** The end user, for the upstream's abuse tracking (Anthropic: metadata.user_id). */
  user?: string;
  /** OpenAI's string map stored with the completion. */
  metadata?: Record<string, string>;
  /** Hints from the gateway's classifier; a plugin may ignore them (the simulated one uses taskType). */
  hints?: { taskType?: string };
}

/** One output token's log probability (OpenAI's shape). */
export interface TokenLogprob {
  token: string;
  logprob: number;
  bytes: number[] | null;
  top_logprobs: Array<{ token: string; logprob: number; bytes: number[] | null }>;
}

/** Log probabilities of an answer (or of a delta's tokens), as OpenAI returns them. */
export interface ChatLogprobs {
  content: TokenLogprob[] | null;
  refusal?: TokenLogprob[] | null;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export interface ChatResponse {
  id?: string;
  model: string;
  content: string | null;
  toolCalls?: ToolCall[];
  finishReason: FinishReason;
  /** The stop sequence (from `stop`) that ended the answer, when the upstream says which. */
  stopSequence?: string;
  usage: TokenUsage;
  /** When `logprobs` was asked for and the upstream gave them. */
  logprobs?: ChatLogprobs;
  /** Free-form data a plugin wants recorded (never sent to the API client). */
  providerMetadata?: Record<string, unknown>;
}

/**
 * A fragment of a streamed tool call. Fragments with the same `index` form one call: the first carries
 * `id` and `function.name`, the following ones pieces of `function.arguments` (appended in order).
 */
export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

/** One piece of a streamed answer. The last delta carries finishReason and, where known, usage. */
export interface ChatDelta {
  content?: string;
  toolCalls?: ToolCallDelta[];
  /** Log probabilities of this delta's tokens, when asked for. */
  logprobs?: ChatLogprobs;
  finishReason?: FinishReason;
  /** On the last delta: the stop sequence that ended the answer, when known. */
  stopSequence?: string;
  usage?: TokenUsage;
  /** Optional, on the last delta only: the same free-form data a ChatResponse may carry. */
  providerMetadata?: Record<string, unknown>;
}

/** What the gateway asks a provider for on POST /v1/embeddings. `model` is the upstream model name. */
export interface EmbeddingRequest {
  model: string;
  /** One or more texts, each embedded on its own. */
  input: string[];
  /** Output dimensions, for models that can shorten their vectors. */
  dimensions?: number;
  user?: string;
}

export interface EmbeddingResponse {
  model: string;
  /** One vector per input, in the inputs' order. */
  embeddings: number[][];
  usage: { promptTokens: number; totalTokens: number };
}

export interface ModelInfo {
  id: string;
  contextWindow?: number;
  ownedBy?: string;
}

/** Per-call options: the gateway's deadline for this attempt. Plugins must honour the signal. */
export interface CallOptions {
  signal: AbortSignal;
  timeoutMs: number;
}

export interface HealthStatus {
  ok: boolean;
  detail?: string;
}

export interface PluginLogger {
  debug(msg: string, data?: Record<string, unknown>): void;
  info(msg: string, data?: Record<string, unknown>): void;
  warn(msg: string, data?: Record<string, unknown>): void;
  error(msg: string, data?: Record<string, unknown>): void;
}

export interface PluginContext {
  /** The provider id from the gateway config (a plugin can be configured several times). */
  providerId: string;
  logger: PluginLogger;
  /** Environment lookup (API keys are read through it, by the variable name given in options). */
  env: (name: string) => string | undefined;
}

/** A configured, ready-to-call provider. */
export interface ProviderInstance {
  listModels(): Promise<ModelInfo[]>;
  chat(request: ChatRequest, options: CallOptions): Promise<ChatResponse>;
  chatStream(request: ChatRequest, options: CallOptions): AsyncIterable<ChatDelta>;
  /** Embeddings, for providers whose models include some (catalogue `kind: embedding`). */
  embed?(request: EmbeddingRequest, options: CallOptions): Promise<EmbeddingResponse>;
  healthCheck?(): Promise<HealthStatus>;
  close?(): Promise<void>;
  /**
   * The OPTIONAL_CHAT_PARAMS this provider passes on (or honours itself). Left out: none, and the
   * gateway refuses requests that set one for this provider's models rather than drop it silently.
   */
  readonly supportedParams?: readonly OptionalChatParam[];
}

/** The default export of a plugin package. */
export interface ProviderPlugin<Options = unknown> {
  id: string;
  description?: string;
  optionsSchema: z.ZodType<Options>;
  create(options: Options, context: PluginContext): ProviderInstance | Promise<ProviderInstance>;
}

/** Identity helper that keeps a plugin's option types checked. */
export function defineProviderPlugin<Options>(plugin: ProviderPlugin<Options>): ProviderPlugin<Options> {
  return plugin;
}
