import { Inject, Injectable } from '@nestjs/common';
import {
  toProviderError,
  enforcedDeadline,
  type EmbeddingResponse,
  type ProviderError,
} from '@ai-mcp-gateway/provider-sdk';
import type { z } from 'zod';
import { GATEWAY_CONFIG } from '../config/config.module';
import type { GatewayConfig } from '../config/config.schema';
import { DomainError, InvalidInputError } from '../errors';
import { costOf } from '../providers/cost';
import { EmbeddingModel, ModelCatalogue } from '../providers/model-catalogue';
import { ProviderRegistry } from '../providers/provider-registry';
import { RecorderService } from '../recording/recorder.service';
import { describeRequestIssue } from '../routing/openai.schemas';
import { routingError } from '../routing/routing.errors';
import { base64Vector, embeddingsRequest, embeddingsResponse, EmbeddingsRequestBody } from './embeddings.schemas';

/** The task type and layer embeddings are recorded under (request_log, model_performance). */
export const EMBEDDING_TASK = 'embedding';

interface Attempt {
  model: EmbeddingModel;
  ms: number;
  error?: ProviderError;
}

/**
 * POST /v1/embeddings as values: validates, picks the embedding model (`auto` or a name: the first
 * embedding model of the catalogue that answers, or the one named), calls its provider within the
 * routing deadline, costs and records the request like a chat (task type `embedding`).
 */
@Injectable()
export class EmbeddingsService {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly catalogue: ModelCatalogue,
    private readonly providers: ProviderRegistry,
    private readonly recorder: RecorderService,
  ) {}

  /**
   * @throws InvalidInputError (invalid_request) naming the field at fault
   * @throws NotFoundError (model_not_found) for a model that is not an embedding model of the catalogue
   * @throws UpstreamError, TimeoutError, RateLimitedError, UnavailableError (no_available_model) when no model answered
   */
  async embed(body: unknown, requestId: string): Promise<z.infer<typeof embeddingsResponse>> {
    const parsed = embeddingsRequest.safeParse(body);
    if (!parsed.success) {
      const { message, param } = describeRequestIssue(parsed.error);
      throw new InvalidInputError(message, { code: 'invalid_request', param: param ?? undefined });
    }
    const req = parsed.data;
    const input = typeof req.input === 'string' ? [req.input] : req.input;
    const started = performance.now();
    const attempts: Attempt[] = [];
    for (const model of this.candidates(req.model)) {
      const t0 = performance.now();
      try {
        const out = await this.call(model, input, req);
        attempts.push({ model, ms: performance.now() - t0 });
        const cost = costOf(model.price, { promptTokens: out.usage.promptTokens, completionTokens: 0 });
        this.record(requestId, model.id, attempts, performance.now() - started, {
          cost,
          tokens: out.usage.promptTokens,
        });
        return present(model.id, out, req);
      } catch (err) {
        attempts.push({ model, ms: performance.now() - t0, error: toProviderError(err, { what: model.id }) });
      }
    }
    const error = failure(attempts);
    this.record(requestId, attempts.at(-1)?.model.id ?? 'none', attempts, performance.now() - started, { error });
    throw error;
  }

  private candidates(name: string): EmbeddingModel[] {
    if (name === 'auto') return this.catalogue.embeddings();
    const model = this.catalogue.embedding(name);
    if (model) return [model];
    const known = this.catalogue.embeddings().map((m) => m.id);
    throw routingError(
      'model_not_found',
      `"${name}" is not an embedding model of the catalogue; use "auto" or one of: ${known.join(', ') || 'none is configured (models[] with kind: embedding)'}`,
      { param: 'model' },
    );
  }

  private async call(model: EmbeddingModel, input: string[], req: EmbeddingsRequestBody): Promise<EmbeddingResponse> {
    const instance = this.providers.get(model.provider);
    if (!instance?.embed) throw new Error(`provider "${model.provider}" is not ready or serves no embeddings`);
    const timeoutMs = this.config.routing.deadlineMs;
    const request = {
      model: model.upstreamModel,
      input,
      dimensions: req.dimensions ?? undefined,
      user: req.user ?? undefined,
    };
    const out = await instance.embed(request, enforcedDeadline({ signal: AbortSignal.timeout(timeoutMs), timeoutMs }));
    if (out.embeddings.length !== input.length)
      throw new Error(`${out.embeddings.length} vectors for ${input.length} inputs`);
    return out;
  }

  private record(
    id: string,
    model: string,
    attempts: Attempt[],
    latencyMs: number,
    outcome: { cost: number; tokens: number } | { error: DomainError },
  ): void {
    const ok = !('error' in outcome);
    this.recorder.recordRequest({
      id,
      ts: Date.now(),
      taskType: EMBEDDING_TASK,
      layer: EMBEDDING_TASK,
      model,
      ruleId: null,
      strategyArm: null,
      tokensIn: ok ? outcome.tokens : 0,
      tokensOut: 0,
      cost: ok ? outcome.cost : 0,
      latencyMs,
      success: ok,
      errorClass: ok ? null : (outcome.error.code ?? 'upstream_error'),
      attempts: attempts.length,
      stream: false,
      calls: attempts.map((a) => ({ modelId: a.model.id, success: !a.error, latencyMs: a.ms, cost: 0 })),
    });
  }
}

function present(
  model: string,
  out: EmbeddingResponse,
  req: EmbeddingsRequestBody,
): z.infer<typeof embeddingsResponse> {
  const base64 = req.encoding_format === 'base64';
  return {
    object: 'list',
    model,
    data: out.embeddings.map((v, index) => ({ object: 'embedding', index, embedding: base64 ? base64Vector(v) : v })),
    usage: { prompt_tokens: out.usage.promptTokens, total_tokens: out.usage.totalTokens },
  };
}

function failure(attempts: Attempt[]): DomainError {
  const last = attempts.at(-1)?.error;
  if (!last)
    return routingError('no_available_model', 'no embedding model is configured (models[] with kind: embedding)');
  const message = `every embedding model failed (${attempts.length} attempt(s)); last error: ${last.message}`;
  if (last.kind === 'timeout') return routingError('upstream_timeout', message, { cause: last });
  if (last.kind === 'rate_limited')
    return routingError('upstream_rate_limited', message, { cause: last, retryAfterMs: last.retryAfterMs });
  if (last.kind === 'bad_request') return routingError('upstream_bad_request', message, { cause: last });
  return routingError('upstream_error', message, { cause: last });
}
