import { Injectable, Logger } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { errorResponse, writeError } from '../common/http/error-shapes';
import { logFailure } from '../common/logging/log-failure';
import { toDomainError } from '../errors';
import { AnthropicApiService, PreparedMessage } from './anthropic-api.service';
import { messageId } from './anthropic.mapper';
import { MessageEvents } from './anthropic-events';
import type { ChatStream } from './openai-api.service';
import {
  cacheOptions,
  decisionHeaders,
  drained,
  failureHeaders,
  linkClient,
  sendJson,
  startEventStream,
} from './presenter-io';
import type { Caller, RouteDecision } from './routing.types';

/**
 * POST /v1/messages and /v1/messages/count_tokens over HTTP: the JSON message or Anthropic's event
 * stream, and errors in Anthropic's shape. Node ServerResponse primitives only, as the OpenAI presenter.
 */
@Injectable()
export class AnthropicMessagesPresenter {
  private readonly logger = new Logger('AnthropicApi');

  constructor(private readonly api: AnthropicApiService) {}

  /** `caller`: the key that sent it (charged to its budget) and the client's own request id. */
  async messages(
    body: unknown,
    requestId: string,
    res: ServerResponse,
    caller: Caller = {},
    floor?: string | string[],
  ): Promise<void> {
    const client = linkClient(res);
    // Anthropic's clients read the request id from request-id (error._request_id in their SDKs).
    res.setHeader('request-id', messageId(requestId));
    let decision: RouteDecision | undefined;
    try {
      const prepared = await this.api.prepare(body, requestId, client, {
        caller,
        floorHeader: floor,
        cache: cacheOptions(res),
      });
      decision = prepared.decision;
      if (prepared.ignored.length) res.setHeader('x-gateway-ignored', prepared.ignored.join(', '));
      if (prepared.request.stream) await this.stream(prepared, res);
      else await this.complete(prepared, res);
    } catch (err) {
      this.fail(res, err, 'message', decision);
    }
  }

  countTokens(body: unknown, res: ServerResponse): void {
    try {
      sendJson(res, 200, this.api.countTokens(body));
    } catch (err) {
      this.fail(res, err, 'token count');
    }
  }

  private async complete(prepared: PreparedMessage, res: ServerResponse): Promise<void> {
    const answer = await this.api.complete(prepared);
    decisionHeaders(res, prepared.decision, answer.model, answer.cached);
    sendJson(res, 200, answer.body);
  }

  private async stream(prepared: PreparedMessage, res: ServerResponse): Promise<void> {
    const stream = await this.api.stream(prepared);
    decisionHeaders(res, prepared.decision, stream.model, stream.cached);
    startEventStream(res);
    const events = new MessageEvents(messageId(prepared.request.requestId), stream.model.id);
    res.write(events.start(prepared.decision.promptTokens));
    if (!(await this.frames(stream, events, res))) return;
    res.end(events.end(stream.usage()));
  }

  /** Writes every delta's events; false when the stream ended early (client gone, or an error event sent). */
  private async frames(stream: ChatStream, events: MessageEvents, res: ServerResponse): Promise<boolean> {
    try {
      for await (const delta of stream.deltas) {
        if (res.destroyed) break;
        const chunk = events.delta(delta);
        if (chunk && !res.write(chunk)) await drained(res);
      }
    } catch (err) {
      const failure = toDomainError(err);
      logFailure(this.logger, failure, 'message stream');
      if (!res.destroyed) res.end(MessageEvents.error(errorResponse(failure, 'anthropic').body));
      return false;
    }
    return !res.destroyed;
  }

  private fail(res: ServerResponse, err: unknown, what: string, decision?: RouteDecision): void {
    const failure = toDomainError(err);
    logFailure(this.logger, failure, what);
    failureHeaders(res, decision);
    writeError(res, 'anthropic', failure);
  }
}
