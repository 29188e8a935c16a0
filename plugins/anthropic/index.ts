import { z } from 'zod';
import {
  HttpProvider,
  defineProviderPlugin,
  expectShape,
  headersSchema,
  internalCall,
  modelListSchema,
  parseEventJson,
  toModelInfos,
  type CallOptions,
  type ChatDelta,
  type ChatRequest,
  type ChatResponse,
  type ModelInfo,
  type PluginContext,
  type ProviderInstance,
} from '@ai-mcp-gateway/provider-sdk';
import { ANTHROPIC_PARAMS, messagesBody } from './request';
import { StreamState, modelPageSchema, parseStreamEvent, toChatResponse } from './response';

export const anthropicOptionsSchema = z.strictObject({
  /** Without the /v1 suffix. */
  baseUrl: z.url({ protocol: /^https?$/ }).default('https://api.anthropic.com'),
  /** Name of the environment variable holding the API key (sent as x-api-key). */
  apiKeyEnv: z.string().min(1).default('ANTHROPIC_API_KEY'),
  anthropicVersion: z.string().min(1).default('2023-06-01'),
  /** Static model list; without it, GET /v1/models. */
  models: modelListSchema.optional(),
  /** max_tokens is required by the Messages API; used when a request gives none. */
  maxTokensDefault: z.number().int().positive().default(1024),
  headers: headersSchema.optional(),
  maxConnections: z.number().int().positive().default(64),
});

export type AnthropicOptions = z.infer<typeof anthropicOptionsSchema>;

/** Model pages fetched at most, so that a misbehaving has_more cannot loop forever. */
const MAX_MODEL_PAGES = 10;

class AnthropicProvider extends HttpProvider implements ProviderInstance {
  readonly supportedParams = ANTHROPIC_PARAMS;

  constructor(
    private readonly options: AnthropicOptions,
    ctx: PluginContext,
  ) {
    super(ctx, {
      ...options,
      headers: { ...options.headers, 'anthropic-version': options.anthropicVersion },
      authHeaders: (key) => ({ 'x-api-key': key }),
      healthPath: '/v1/models?limit=1',
    });
  }

  async listModels(): Promise<ModelInfo[]> {
    if (this.options.models) return toModelInfos(this.options.models, 'anthropic');
    this.requireKey();
    const out: ModelInfo[] = [];
    let after: string | undefined;
    for (let page = 0; page < MAX_MODEL_PAGES; page++) {
      const query = `?limit=1000${after ? `&after_id=${encodeURIComponent(after)}` : ''}`;
      const body = await this.http.json({ method: 'GET', path: `/v1/models${query}` }, internalCall(10_000));
      const list = expectShape(modelPageSchema, body, `${this.ctx.providerId} model list`);
      out.push(...list.data.map((m) => ({ id: m.id, ownedBy: 'anthropic' })));
      if (!list.has_more || !list.last_id) break;
      after = list.last_id;
    }
    return out;
  }

  async chat(request: ChatRequest, options: CallOptions): Promise<ChatResponse> {
    this.requireKey();
    const body = messagesBody(request, this.options.maxTokensDefault, false);
    const res = await this.http.json({ method: 'POST', path: '/v1/messages', body }, options);
    return toChatResponse(res, request.model, this.ctx.providerId);
  }

  chatStream(request: ChatRequest, options: CallOptions): AsyncIterable<ChatDelta> {
    return this.stream(request, options);
  }

  private async *stream(request: ChatRequest, options: CallOptions): AsyncGenerator<ChatDelta> {
    this.requireKey();
    const body = messagesBody(request, this.options.maxTokensDefault, true);
    const state = new StreamState(this.ctx.providerId);
    const what = `${this.ctx.providerId} stream event`;
    for await (const ev of this.http.sse({ method: 'POST', path: '/v1/messages', body }, options)) {
      const delta = state.handle(parseStreamEvent(parseEventJson(ev, what), this.ctx.providerId));
      if (delta) yield delta;
      if (state.stopped) break;
    }
    yield state.finish();
  }
}

/** Anthropic's Messages API (Claude models). */
export default defineProviderPlugin<AnthropicOptions>({
  id: 'anthropic',
  description: "Anthropic's Messages API (Claude models), JSON and streaming.",
  optionsSchema: anthropicOptionsSchema,
  create: (options, ctx) => new AnthropicProvider(options, ctx),
});
