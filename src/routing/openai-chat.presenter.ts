import { Injectable, Logger } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { openAiErrorBody, writeError } from '../common/http/error-shapes';
import { logFailure } from '../common/logging/log-failure';
import { DomainError, toDomainError } from '../errors';
import { ChunkWriter } from './openai.mapper';
import { ChatStream, OpenAiApiService, PreparedChat } from './openai-api.service';
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
 * POST /v1/chat/completions over HTTP: status, headers, the JSON answer or the SSE frames, and errors
 * in OpenAI's shape. Written against node's ServerResponse (setHeader, statusCode, write, end) only,
 * so that a bare node:http handler can serve the route with it too.
 */
@Injectable()
export class OpenAiChatPresenter {
  private readonly logger = new Logger('OpenAiApi');

  constructor(private readonly api: OpenAiApiService) {}

  /** `caller`: the key that sent it (charged to its budget) and the client's own request id. */
  async chatCompletions(
    body: unknown,
    requestId: string,
    res: ServerResponse,
    caller: Caller = {},
    floor?: string | string[],
  ): Promise<void> {
    const client = linkClient(res);
    let decision: RouteDecision | undefined;
    try {
      const chat = await this.api.prepare(body, requestId, client, {
        caller,
        floorHeader: floor,
        cache: cacheOptions(res),
      });
      decision = chat.decision;
      if (chat.request.stream) await this.stream(chat, res);
      else await this.complete(chat, res);
    } catch (err) {
      this.fail(res, err, decision);
    }
  }

  private async complete(chat: PreparedChat, res: ServerResponse): Promise<void> {
    const answer = await this.api.complete(chat);
    decisionHeaders(res, chat.decision, answer.model, answer.cached);
    sendJson(res, 200, answer.body);
  }

  private async stream(chat: PreparedChat, res: ServerResponse): Promise<void> {
    const stream = await this.api.stream(chat);
    decisionHeaders(res, chat.decision, stream.model, stream.cached);
    startEventStream(res);
    const writer = new ChunkWriter(chat.request.requestId, stream.model.id);
    res.write(writer.role());
    if (!(await this.frames(stream, writer, res))) return;
    const usage = chat.includeUsage ? stream.usage() : undefined;
    if (usage) res.write(writer.usage(usage));
    res.end(ChunkWriter.done());
  }

  /** Writes every delta; false when the stream ended early (client gone, or an in-band error event sent). */
  private async frames(stream: ChatStream, writer: ChunkWriter, res: ServerResponse): Promise<boolean> {
    try {
      for await (const delta of stream.deltas) {
        if (res.destroyed) break;
        const chunk = writer.delta(delta);
        if (chunk && !res.write(chunk)) await drained(res);
      }
    } catch (err) {
      const failure = toDomainError(err);
      logFailure(this.logger, failure, 'chat stream');
      if (!res.destroyed) res.end(ChunkWriter.event(openAiErrorBody(failure)));
      return false;
    }
    return !res.destroyed;
  }

  private fail(res: ServerResponse, err: unknown, decision?: RouteDecision): void {
    const failure: DomainError = toDomainError(err);
    logFailure(this.logger, failure, 'chat completion');
    failureHeaders(res, decision);
    writeError(res, 'openai', failure);
  }
}
