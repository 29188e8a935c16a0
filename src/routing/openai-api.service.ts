import { Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { isProviderError } from '@ai-mcp-gateway/provider-sdk';
import { STARTED_AT } from '../common/app-info';
import { LAYERS } from '../config/config.schema';
import { ModelCatalogue } from '../providers/model-catalogue';
import { ProviderRegistry } from '../providers/provider-registry';
import { ChunkWriter, toCompletion, toRouteRequest } from './openai.mapper';
import { chatCompletionRequest, describeRequestIssue } from './openai.schemas';
import { ClientLink } from './attempt-scope';
import { RouterService } from './router.service';
import { RoutingError } from './routing.errors';
import type { RouteDecision, RouteRequest } from './routing.types';

type GatewayRequest = Request & { id?: string };

const CREATED = Math.floor(STARTED_AT / 1000);

/** The OpenAI-compatible door: request validation, response shapes, SSE, errors. The router decides and calls. */
@Injectable()
export class OpenAiApiService {
  private readonly logger = new Logger('OpenAiApi');

  constructor(
    private readonly router: RouterService,
    private readonly catalogue: ModelCatalogue,
    private readonly providers: ProviderRegistry,
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
        available: this.providers.isReady(m.provider),
      });
    }
    return { object: 'list', data };
  }

  /** POST /v1/chat/completions. */
  async chatCompletions(req: GatewayRequest, res: Response): Promise<void> {
    const parsed = chatCompletionRequest.safeParse(req.body);
    if (!parsed.success) {
      const { message, param } = describeRequestIssue(parsed.error);
      res.status(400).json({ error: { message, type: 'invalid_request_error', code: 'invalid_request', param } });
      return;
    }
    // Only a client that leaves before the answer is complete cancels anything: no AbortController,
    // no abort and no DOMException for a response that finished.
    const client = new ClientLink();
    (res as LinkedResponse)[CLIENT_LINK] = client;
    res.once('close', onResponseClose);
    const routeReq = toRouteRequest(parsed.data, req.id ?? `req-${Date.now()}`, client);
    let decision: RouteDecision | undefined;
    try {
      decision = await this.router.decide(routeReq);
      if (routeReq.stream)
        await this.stream(routeReq, decision, res, parsed.data.stream_options?.include_usage === true);
      else await this.complete(routeReq, decision, res);
    } catch (err) {
      this.fail(res, err, decision);
    }
  }

  private async complete(routeReq: RouteRequest, decision: RouteDecision, res: Response): Promise<void> {
    const result = await this.router.execute(routeReq, decision);
    this.decisionHeaders(res, decision, result.model.id, result.model.layer);
    sendJson(res, 200, toCompletion(result));
  }

  private async stream(
    routeReq: RouteRequest,
    decision: RouteDecision,
    res: Response,
    includeUsage: boolean,
  ): Promise<void> {
    const session = await this.router.stream(routeReq, decision);
    this.decisionHeaders(res, decision, session.model.id, session.model.layer);
    res.status(200);
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-cache');
    res.setHeader('connection', 'keep-alive');
    res.setHeader('x-accel-buffering', 'no');
    const writer = new ChunkWriter(routeReq.requestId, session.model.id);
    res.write(writer.role());
    try {
      for await (const delta of session.deltas()) {
        if (res.destroyed) break;
        const chunk = writer.delta(delta);
        if (chunk && !res.write(chunk)) await drained(res);
      }
    } catch (err) {
      if (!res.destroyed)
        res.end(
          ChunkWriter.error(
            `The upstream stream from ${session.model.id} failed: ${(err as Error).message}`,
            isProviderError(err) ? `upstream_${err.kind}` : 'upstream_error',
          ),
        );
      return;
    }
    if (res.destroyed) return;
    if (includeUsage && session.outcome) res.write(writer.usage(session.outcome.usage));
    res.end(ChunkWriter.done());
  }

  private decisionHeaders(res: Response, decision: RouteDecision, model: string, layer: string): void {
    res.setHeader('x-gateway-model', model);
    res.setHeader('x-gateway-layer', layer);
    res.setHeader('x-gateway-task-type', decision.taskType);
    if (decision.rule) res.setHeader('x-gateway-rule', String(decision.rule.id));
  }

  private fail(res: Response, err: unknown, decision?: RouteDecision): void {
    if (res.headersSent) {
      if (!res.destroyed) res.end();
      return;
    }
    if (decision) {
      res.setHeader('x-gateway-layer', decision.layer);
      if (decision.rule) res.setHeader('x-gateway-rule', String(decision.rule.id));
    }
    if (err instanceof RoutingError) {
      if (err.code === 'client_closed') return void res.end();
      if (err.extra.retryAfterMs !== undefined && err.status === 502)
        res.setHeader('retry-after', String(Math.ceil(err.extra.retryAfterMs / 1000)));
      res.status(err.status).json(err.toOpenAi());
      return;
    }
    this.logger.error(err instanceof Error ? err : String(err));
    res
      .status(500)
      .json({
        error: {
          message: 'An internal error occurred; it has been logged.',
          type: 'server_error',
          code: 'internal_error',
          param: null,
        },
      });
  }
}

const CLIENT_LINK = Symbol('clientLink');
type LinkedResponse = Response & { [CLIENT_LINK]?: ClientLink };

/** 'close' of a chat response (this = the response): the client went away unless the answer was complete. */
function onResponseClose(this: LinkedResponse): void {
  if (!this.writableFinished) this[CLIENT_LINK]?.close();
}

/** JSON without express's per-response ETag hashing (an answer is never revalidated). */
function sendJson(res: Response, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

function drained(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
