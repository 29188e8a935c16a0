import { Injectable } from '@nestjs/common';
import { isProviderError, type ChatDelta, type TokenUsage } from '@ai-mcp-gateway/provider-sdk';
import { STARTED_AT } from '../common/app-info';
import { LAYERS } from '../config/config.schema';
import { InvalidInputError, UpstreamError } from '../errors';
import { CatalogueModel, ModelCatalogue } from '../providers/model-catalogue';
import { ModelReadiness } from '../providers/model-readiness';
import type { ClientLink } from './attempt-scope';
import { toCompletion, toRouteRequest } from './openai.mapper';
import { fastChatRequest } from './openai.fast-schema';
import { ChatCompletionRequest, chatCompletionRequest, describeRequestIssue } from './openai.schemas';
import { DoorOptions, withDoorOptions } from './door-options';
import { RouterService } from './router.service';
import type { RouteDecision, RouteRequest } from './routing.types';
import type { ChatSession } from './cached-answers';

const CREATED = Math.floor(STARTED_AT / 1000);

/** A validated chat request and where the router sends it. */
export interface PreparedChat {
  request: RouteRequest;
  decision: RouteDecision;
  /** stream_options.include_usage: a usage chunk before the end of a stream. */
  includeUsage: boolean;
}

/** A completed chat: the model that answered and the chat.completion body. */
export interface ChatAnswer {
  model: CatalogueModel;
  body: Record<string, unknown>;
  /** Answered by the response cache. */
  cached: boolean;
}

/** An open stream: the model, its deltas (a failure after the first is an UpstreamError), and its usage once ended. */
export interface ChatStream {
  model: CatalogueModel;
  deltas: AsyncIterable<ChatDelta>;
  usage(): TokenUsage | undefined;
  /** Replayed from the response cache. */
  cached: boolean;
}

/**
 * The OpenAI-compatible API as values: validation, the catalogue listing, completions and streams of
 * deltas. It knows the OpenAI request and response shapes but nothing of HTTP: status codes, headers
 * and SSE frames are the presenter's (openai-chat.presenter.ts).
 */
@Injectable()
export class OpenAiApiService {
  constructor(
    private readonly router: RouterService,
    private readonly catalogue: ModelCatalogue,
    private readonly readiness: ModelReadiness,
  ) {}

  /** GET /v1/models: the catalogue, the layer names and `auto`. */
  models(): { object: 'list'; data: Array<Record<string, unknown>> } {
    const data: Array<Record<string, unknown>> = [
      {
        id: 'auto',
        object: 'model',
        created: CREATED,
        owned_by: 'ai-mcp-gateway',
        description: 'routed by task type, rules and learned policy',
      },
    ];
    for (const layer of LAYERS)
      data.push({
        id: layer,
        object: 'model',
        created: CREATED,
        owned_by: 'ai-mcp-gateway',
        description: `the ${layer} layer`,
      });
    for (const m of this.catalogue.all()) {
      data.push({
        id: m.id,
        object: 'model',
        created: CREATED,
        owned_by: m.provider,
        layer: m.layer,
        context_window: m.contextWindow,
        pricing: { input: m.price.input, output: m.price.output, unit: 'USD per million tokens' },
        available: this.readiness.model(m.id)?.ready ?? false,
      });
    }
    return { object: 'list', data };
  }

  /**
   * Validates a chat.completions body and decides where it goes.
   * @throws InvalidInputError (code invalid_request, param = the first field at fault)
   * @throws NotFoundError (code model_not_found, param `model`)
   */
  async prepare(body: unknown, requestId: string, client?: ClientLink, door: DoorOptions = {}): Promise<PreparedChat> {
    const data = fastChatRequest(body) ?? parseChatRequest(body);
    const request = withDoorOptions(toRouteRequest(data, requestId, client), door);
    const decision = await this.router.decide(request);
    return { request, decision, includeUsage: data.stream_options?.include_usage === true };
  }

  /**
   * Routes a prepared non-streaming chat to its answer.
   * @throws the RouterService.execute errors (codes upstream_error, upstream_timeout, deadline_exceeded,
   *   no_available_model, circuit_open, upstream_bad_request, client_closed)
   */
  async complete(chat: PreparedChat): Promise<ChatAnswer> {
    const result = await this.router.execute(chat.request, chat.decision);
    return { model: result.model, body: toCompletion(result), cached: result.cached === true };
  }

  /**
   * Opens a prepared streaming chat (resolves at its first delta).
   * @throws the same errors as complete, for a stream that never produced its first delta
   */
  async stream(chat: PreparedChat): Promise<ChatStream> {
    const session = await this.router.stream(chat.request, chat.decision);
    return streamOf(session);
  }
}

/** The door's view of a session. */
export function streamOf(session: ChatSession): ChatStream {
  const usage = () => session.outcome?.usage;
  return { model: session.model, deltas: upstreamFailures(session), usage, cached: session.cached };
}

/** A body of a shape the precompiled check leaves to zod: parsed, or refused with the field at fault. */
function parseChatRequest(body: unknown): ChatCompletionRequest {
  const parsed = chatCompletionRequest.safeParse(body);
  if (parsed.success) return parsed.data;
  const { message, param } = describeRequestIssue(parsed.error);
  throw new InvalidInputError(message, { code: 'invalid_request', param: param ?? undefined });
}

/** A session's deltas; a failure after the first is final and becomes an UpstreamError with the provider's kind. */
export async function* upstreamFailures(session: ChatSession): AsyncGenerator<ChatDelta> {
  try {
    yield* session.deltas();
  } catch (err) {
    throw new UpstreamError(`The upstream stream from ${session.model.id} failed: ${(err as Error).message}`, {
      code: isProviderError(err) ? `upstream_${err.kind}` : 'upstream_error',
      cause: err,
    });
  }
}
