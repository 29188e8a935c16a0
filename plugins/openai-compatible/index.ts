import { z } from 'zod';
import {
  HttpProvider,
  OPTIONAL_CHAT_PARAMS,
  ProviderError,
  defineProviderPlugin,
  estimateTokens,
  expectShape,
  headersSchema,
  internalCall,
  modelListSchema as staticModelsSchema,
  parseEventJson,
  toModelInfos,
  type CallOptions,
  type ChatDelta,
  type ChatRequest,
  type ChatResponse,
  type EmbeddingRequest,
  type EmbeddingResponse,
  type FinishReason,
  type ModelInfo,
  type OptionalChatParam,
  type PluginContext,
  type ProviderInstance,
  type TokenUsage,
} from '@ai-mcp-gateway/provider-sdk';
import {
  DEFAULT_PARAMS,
  chunkDelta,
  chunkError,
  chunkSchema,
  completionSchema,
  estimatedUsage,
  mapFinish,
  mapLogprobs,
  mapUsage,
  modelListSchema,
  plainCompletion,
  requestBody,
} from './wire';
import { embeddingBody, embeddingListSchema, toEmbeddingResponse } from './embeddings';

export const openaiCompatibleOptionsSchema = z.strictObject({
  /** Up to and including the API version, e.g. http://127.0.0.1:11434/v1 (Ollama) or https://api.openai.com/v1. */
  baseUrl: z.url({ protocol: /^https?$/ }),
  /** Name of the environment variable that holds the API key (sent as a Bearer token). None for keyless local servers. */
  apiKeyEnv: z.string().min(1).optional(),
  headers: headersSchema.optional(),
  /** Static model list; without it, GET {baseUrl}/models. */
  models: staticModelsSchema.optional(),
  maxConnections: z.number().int().positive().default(64),
  /**
   * Optional request fields the upstream takes (sent unchanged); the gateway refuses a request that sets
   * another one for this provider. Default: all but top_k. Narrow it for servers that refuse some.
   */
  params: z.array(z.enum(OPTIONAL_CHAT_PARAMS)).optional(),
});

export type OpenAICompatibleOptions = z.infer<typeof openaiCompatibleOptionsSchema>;

class OpenAICompatibleProvider extends HttpProvider implements ProviderInstance {
  readonly supportedParams: readonly OptionalChatParam[];

  constructor(
    private readonly options: OpenAICompatibleOptions,
    ctx: PluginContext,
  ) {
    super(ctx, { ...options, authHeaders: (key) => ({ authorization: `Bearer ${key}` }), healthPath: '/models' });
    this.supportedParams = options.params ?? DEFAULT_PARAMS;
  }

  async listModels(): Promise<ModelInfo[]> {
    if (this.options.models) return toModelInfos(this.options.models);
    this.requireKey();
    const body = await this.http.json({ method: 'GET', path: '/models' }, internalCall(10_000));
    const list = expectShape(modelListSchema, body, `${this.ctx.providerId} model list`);
    return list.data.map((m) => ({ id: m.id, ownedBy: m.owned_by }));
  }

  async chat(request: ChatRequest, options: CallOptions): Promise<ChatResponse> {
    this.requireKey();
    const body = await this.http.json(
      { method: 'POST', path: '/chat/completions', body: requestBody(request, false) },
      options,
    );
    const res = plainCompletion(body) ?? expectShape(completionSchema, body, `${this.ctx.providerId} chat completion`);
    const choice = res.choices[0];
    const content = choice.message.content ?? null;
    const toolCalls = choice.message.tool_calls?.map((t) => ({
      id: t.id,
      type: 'function' as const,
      function: t.function,
    }));
    const out: ChatResponse = {
      id: res.id,
      model: res.model ?? request.model,
      content,
      finishReason: mapFinish(choice.finish_reason),
      usage: res.usage ? mapUsage(res.usage) : estimatedUsage(request, content ?? ''),
    };
    if (toolCalls?.length) out.toolCalls = toolCalls;
    const logprobs = mapLogprobs(choice.logprobs);
    if (logprobs) out.logprobs = logprobs;
    if (!res.usage) out.providerMetadata = { usageEstimated: true };
    return out;
  }

  chatStream(request: ChatRequest, options: CallOptions): AsyncIterable<ChatDelta> {
    return this.stream(request, options);
  }

  async embed(request: EmbeddingRequest, options: CallOptions): Promise<EmbeddingResponse> {
    this.requireKey();
    const body = await this.http.json({ method: 'POST', path: '/embeddings', body: embeddingBody(request) }, options);
    const list = expectShape(embeddingListSchema, body, `${this.ctx.providerId} embeddings`);
    if (list.data.length !== request.input.length)
      throw new ProviderError(
        'malformed_response',
        `${this.ctx.providerId}: ${list.data.length} embeddings for ${request.input.length} inputs`,
      );
    return toEmbeddingResponse(list, request, estimateTokens);
  }

  /**
   * Deltas as they come; the finish reason is held back to the last delta because, with
   * include_usage, the usage chunk arrives after the chunk that carries finish_reason.
   */
  private async *stream(request: ChatRequest, options: CallOptions): AsyncGenerator<ChatDelta> {
    this.requireKey();
    const what = `${this.ctx.providerId} stream chunk`;
    let finish: FinishReason | undefined;
    let usage: TokenUsage | undefined;
    let text = '';
    for await (const ev of this.http.sse(
      { method: 'POST', path: '/chat/completions', body: requestBody(request, true) },
      options,
    )) {
      if (ev.done) break;
      const chunk = expectShape(chunkSchema, parseEventJson(ev, what), what);
      const failure = chunkError(chunk, this.ctx.providerId);
      if (failure) throw failure;
      if (chunk.usage) usage = mapUsage(chunk.usage);
      const reason = chunk.choices?.[0]?.finish_reason;
      if (reason) finish = mapFinish(reason);
      const delta = chunkDelta(chunk);
      if (!delta) continue;
      text += delta.content ?? '';
      yield delta;
    }
    // A body that ends without any finish_reason was cut short, whatever the socket said.
    if (!finish)
      throw new ProviderError('connection', `${this.ctx.providerId}: stream ended before the answer was finished`);
    const last: ChatDelta = { finishReason: finish, usage: usage ?? estimatedUsage(request, text) };
    if (!usage) last.providerMetadata = { usageEstimated: true };
    yield last;
  }
}

/** Any server that speaks OpenAI chat completions: OpenAI, Ollama, vLLM, LM Studio, llama.cpp, LiteLLM... */
export default defineProviderPlugin<OpenAICompatibleOptions>({
  id: 'openai-compatible',
  description: 'Servers speaking the OpenAI chat-completions API (OpenAI, Ollama, vLLM, LM Studio, llama.cpp...).',
  optionsSchema: openaiCompatibleOptionsSchema,
  create: (options, ctx) => new OpenAICompatibleProvider(options, ctx),
});
