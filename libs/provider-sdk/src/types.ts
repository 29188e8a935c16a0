import type { z } from 'zod';

/** OpenAI-style chat roles; plugins map them to their upstream's shapes. */
export type ChatRole = 'system' | 'user' | 'assistant' | 'tool';

export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface ChatMessage {
  role: ChatRole;
  content: string | null;
  name?: string;
  tool_call_id?: string;
  tool_calls?: ToolCall[];
}

/** What the gateway asks a provider for. `model` is the upstream model name. */
export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  stop?: string[];
  seed?: number;
  tools?: unknown[];
  tool_choice?: unknown;
  response_format?: unknown;
  /** Hints from the gateway's classifier; a plugin may ignore them (the simulated one uses taskType). */
  hints?: { taskType?: string };
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
  usage: TokenUsage;
  /** Free-form data a plugin wants recorded (never sent to the API client). */
  providerMetadata?: Record<string, unknown>;
}

/** One piece of a streamed answer. The last delta carries finishReason and, where known, usage. */
export interface ChatDelta {
  content?: string;
  toolCalls?: Array<Partial<ToolCall> & { index: number }>;
  finishReason?: FinishReason;
  usage?: TokenUsage;
  /** Optional, on the last delta only: the same free-form data a ChatResponse may carry. */
  providerMetadata?: Record<string, unknown>;
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
  healthCheck?(): Promise<HealthStatus>;
  close?(): Promise<void>;
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
