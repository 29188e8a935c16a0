import { Inject, Injectable } from '@nestjs/common';
import {
  enforcedDeadline,
  isProviderError,
  ProviderError,
  sleep,
  toProviderError,
  type CallOptions,
  type ChatRequest,
  type ProviderInstance,
} from '@ai-mcp-gateway/provider-sdk';
import { GATEWAY_CONFIG } from '../config/config.module';
import type { GatewayConfig } from '../config/config.schema';
import type { CatalogueModel } from '../providers/model-catalogue';
import { ProviderRegistry } from '../providers/provider-registry';
import { RecorderService } from '../recording/recorder.service';
import type { ModelCall } from '../recording/recording.types';
import { AttemptScope, RequestScope } from './attempt-scope';
import { backoffDelay, fitsDeadline } from './backoff';
import { BreakerBoard } from './circuit-breaker';
import { RoutingError } from './routing.errors';
import type { RouteDecision, RouteRequest } from './routing.types';

/** What one attempt does with a provider: a chat call, or opening a stream up to its first delta. */
export type AttemptCall<T> = (
  instance: ProviderInstance,
  request: ChatRequest,
  options: CallOptions,
  model: CatalogueModel,
) => Promise<T>;

/** A successful run: the value, who produced it, and the scopes the caller must dispose when done. */
export interface Execution<T> {
  value: T;
  model: CatalogueModel;
  request: RequestScope;
  attempt: AttemptScope;
  attempts: number;
  calls: ModelCall[];
  /** Milliseconds of the successful attempt until `value` was ready. */
  attemptMs: number;
}

/** Kinds that say nothing about the model's health. */
const NEUTRAL_KINDS = new Set<ProviderError['kind']>(['bad_request', 'cancelled']);

interface RunState {
  scope: RequestScope;
  attempts: number;
  breakerSkips: number;
  calls: ModelCall[];
  last?: ProviderError;
}

/**
 * Runs a decision: per-attempt timeout, retries with backoff (Retry-After honoured within the
 * deadline) for retryable kinds, fallback through the candidates (escalation is already in their
 * order), a breaker per model, and one overall deadline.
 */
@Injectable()
export class ExecutorService {
  readonly breakers: BreakerBoard;
  private readonly routing: GatewayConfig['routing'];
  private readonly layers: GatewayConfig['layers'];

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    private readonly providers: ProviderRegistry,
    private readonly recorder: RecorderService,
  ) {
    this.routing = config.routing;
    this.layers = config.layers;
    this.breakers = new BreakerBoard(config.routing.breaker);
  }

  /** Resolves with the first success; rejects with a RoutingError once every candidate failed or the deadline passed. */
  async run<T>(decision: RouteDecision, req: RouteRequest, call: AttemptCall<T>): Promise<Execution<T>> {
    const state: RunState = {
      scope: new RequestScope(this.routing.deadlineMs, req.signal),
      attempts: 0,
      breakerSkips: 0,
      calls: [],
    };
    try {
      for (const model of decision.candidates) {
        const instance = this.providers.get(model.provider);
        if (!instance) continue;
        const done = await this.tryModel(model, instance, decision, req, state, call);
        if (done) return done;
      }
      throw this.exhausted(state, decision);
    } catch (err) {
      state.scope.dispose();
      if (err instanceof RoutingError) Object.assign(err.extra, { attempts: state.attempts, calls: state.calls });
      throw err;
    }
  }

  private async tryModel<T>(
    model: CatalogueModel,
    instance: ProviderInstance,
    decision: RouteDecision,
    req: RouteRequest,
    state: RunState,
    call: AttemptCall<T>,
  ): Promise<Execution<T> | undefined> {
    const breaker = this.breakers.for(model.id);
    for (let retry = 0; ; retry++) {
      if (!breaker.tryAcquire()) {
        state.breakerSkips++;
        return undefined;
      }
      state.attempts++;
      const timeoutMs = Math.max(
        1,
        Math.min(this.layers[model.layer].timeoutMs, Math.floor(state.scope.remainingMs())),
      );
      const attempt = new AttemptScope(state.scope, timeoutMs, `${model.provider} ${model.id}`);
      const started = performance.now();
      try {
        const upstream: ChatRequest = {
          ...req.params,
          model: model.upstreamModel,
          messages: req.messages,
          hints: { taskType: decision.taskType },
        };
        const value = await attempt.race(
          call(instance, upstream, enforcedDeadline({ signal: attempt.signal, timeoutMs }), model),
        );
        breaker.onSuccess();
        return {
          value,
          model,
          request: state.scope,
          attempt,
          attempts: state.attempts,
          calls: state.calls,
          attemptMs: performance.now() - started,
        };
      } catch (raw) {
        attempt.dispose();
        const err = toProviderError(raw, { signal: attempt.signal, what: `${model.provider} ${model.id}` });
        if (!(await this.afterFailure(model, err, performance.now() - started, retry, decision, req, state)))
          return undefined;
      }
    }
  }

  /** Books the failure; true when the same model should be tried again (after the backoff, already waited). */
  private async afterFailure(
    model: CatalogueModel,
    err: ProviderError,
    latencyMs: number,
    retry: number,
    decision: RouteDecision,
    req: RouteRequest,
    state: RunState,
  ): Promise<boolean> {
    const breaker = this.breakers.for(model.id);
    if (state.scope.clientGone) {
      breaker.release();
      throw new RoutingError('client_closed', 'the client closed the connection');
    }
    state.last = err;
    state.calls.push({ modelId: model.id, success: false, latencyMs, cost: 0 });
    this.reportAttemptFailure(model, err, decision, req);
    if (NEUTRAL_KINDS.has(err.kind)) breaker.release();
    else breaker.onFailure();
    if (state.scope.deadlineHit) throw this.deadline(state);
    if (!err.retryable || retry >= this.routing.maxRetries) return false;
    const delay = backoffDelay(
      retry + 1,
      { baseMs: this.routing.backoffBaseMs, maxMs: this.routing.backoffMaxMs },
      err.retryAfterMs,
    );
    if (!fitsDeadline(delay, state.scope.remainingMs())) return false;
    try {
      await sleep(delay, state.scope.signal);
    } catch {
      if (state.scope.clientGone) throw new RoutingError('client_closed', 'the client closed the connection');
      throw this.deadline(state);
    }
    return true;
  }

  private reportAttemptFailure(
    model: CatalogueModel,
    err: ProviderError,
    decision: RouteDecision,
    req: RouteRequest,
  ): void {
    this.recorder.recordFailure({
      scope: 'attempt',
      requestId: req.requestId,
      ts: Date.now(),
      kind: err.kind,
      message: err.message,
      model: model.id,
      provider: model.provider,
      status: err.status,
      taskType: decision.taskType,
      layer: model.layer,
      ruleId: decision.rule?.id ?? null,
      snapshot: {
        model: req.model,
        messages: req.messages,
        params: req.params as Record<string, unknown>,
        stream: req.stream,
      },
    });
  }

  private deadline(state: RunState): RoutingError {
    return new RoutingError(
      'deadline_exceeded',
      `no answer within the ${this.routing.deadlineMs} ms deadline (routing.deadlineMs) after ${state.attempts} attempt(s)`,
      { last: state.last },
    );
  }

  private exhausted(state: RunState, decision: RouteDecision): RoutingError {
    const last = state.last;
    if (state.attempts === 0 && state.breakerSkips > 0) {
      return new RoutingError(
        'circuit_open',
        `every candidate model (${decision.candidates.map((m) => m.id).join(', ')}) has an open circuit breaker; try again later`,
      );
    }
    if (state.attempts === 0)
      return new RoutingError(
        'no_available_model',
        `no provider is available for ${decision.candidates.map((m) => m.id).join(', ') || `the ${decision.layer} layer`}`,
      );
    const tried = `${state.attempts} attempt(s)`;
    if (last?.kind === 'timeout')
      return new RoutingError('upstream_timeout', `the upstream timed out (${tried}): ${last.message}`, { last });
    if (last?.kind === 'bad_request')
      return new RoutingError('upstream_bad_request', `the upstream refused the request: ${last.message}`, { last });
    return new RoutingError(
      'upstream_error',
      `every candidate failed (${tried}); last error: ${last?.message ?? 'unknown'}`,
      { last, retryAfterMs: last?.retryAfterMs },
    );
  }
}

export function asProviderError(err: unknown): ProviderError {
  return isProviderError(err) ? err : toProviderError(err);
}
