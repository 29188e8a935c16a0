import { Injectable } from '@nestjs/common';
import { estimatePromptTokens } from '@ai-mcp-gateway/provider-sdk';
import type { z } from 'zod';
import { InvalidInputError } from '../errors';
import type { CatalogueModel } from '../providers/model-catalogue';
import type { ClientLink } from './attempt-scope';
import { countTokensRequest, messagesRequest } from './anthropic.schemas';
import { DoorOptions, withDoorOptions } from './door-options';
import { chatMessages, functionTools, toMessage, toRouteRequest } from './anthropic.mapper';
import { type ChatStream, streamOf } from './openai-api.service';
import { describeRequestIssue } from './openai.schemas';
import { RouterService } from './router.service';
import type { RouteDecision, RouteRequest } from './routing.types';

/** A validated Messages request and where the router sends it. */
export interface PreparedMessage {
  request: RouteRequest;
  decision: RouteDecision;
  /** What the request asked for that the gateway does not carry (thinking, server tools). */
  ignored: string[];
}

/** A completed answer: the model that gave it and the Anthropic `message` body. */
export interface MessageAnswer {
  model: CatalogueModel;
  body: Record<string, unknown>;
  /** Answered by the response cache. */
  cached: boolean;
}

/** The body as the schema reads it, or an InvalidInputError naming the first field at fault. */
function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const { message, param } = describeRequestIssue(parsed.error);
  throw new InvalidInputError(message, { code: 'invalid_request', param: param ?? undefined });
}

/**
 * The Anthropic Messages API as values: validation, answers, streams of deltas and token counts. Routed,
 * recorded and learned from exactly like chat completions (the same RouterService); HTTP, the SSE event
 * sequence and Anthropic's error shape are the presenter's (anthropic-messages.presenter.ts).
 */
@Injectable()
export class AnthropicApiService {
  constructor(private readonly router: RouterService) {}

  /**
   * Validates a Messages body and decides where it goes (the model may be auto, a layer, a catalogue id
   * or an alias such as claude-sonnet-4-5).
   * @throws InvalidInputError (invalid_request, context_length_exceeded, images_not_supported, unsupported_parameter)
   * @throws NotFoundError (model_not_found) for a model the gateway does not know
   */
  async prepare(
    body: unknown,
    requestId: string,
    client?: ClientLink,
    door: DoorOptions = {},
  ): Promise<PreparedMessage> {
    const { request, ignored } = toRouteRequest(parse(messagesRequest, body), requestId, client);
    withDoorOptions(request, door);
    return { request, decision: await this.router.decide(request), ignored };
  }

  /**
   * Routes a prepared non-streaming request to its answer.
   * @throws the RouterService.execute errors, as OpenAiApiService.complete
   */
  async complete(prepared: PreparedMessage): Promise<MessageAnswer> {
    const result = await this.router.execute(prepared.request, prepared.decision);
    return { model: result.model, body: toMessage(result), cached: result.cached === true };
  }

  /**
   * Opens a prepared stream (resolves at its first delta).
   * @throws the same errors as complete, for a stream that never produced its first delta
   */
  async stream(prepared: PreparedMessage): Promise<ChatStream> {
    const session = await this.router.stream(prepared.request, prepared.decision);
    return streamOf(session);
  }

  /**
   * POST /v1/messages/count_tokens: the gateway's estimate of the prompt (messages, system and tools),
   * the same one routing checks context windows with.
   * @throws InvalidInputError naming the field at fault
   */
  countTokens(body: unknown): { input_tokens: number } {
    const req = parse(countTokensRequest, body);
    return { input_tokens: estimatePromptTokens(chatMessages(req), functionTools(req.tools).tools) };
  }
}
