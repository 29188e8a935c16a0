import { Inject, Injectable } from '@nestjs/common';
import {
  enforcedDeadline,
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
import { ModelReadiness } from '../providers/model-readiness';
import { ProviderRegistry } from '../providers/provider-registry';
import type { ModelCall } from '../recording/recording.types';
import { DomainError } from '../errors';
import { AttemptScope, RequestScope } from './attempt-scope';
import { backoffDelay, fitsDeadline } from './backoff';
import { BreakerBoard } from './circuit-breaker';
import { paramsFor } from './eligibility';
import { routingError } from './routing.errors';
import type { RouteDecision, RouteRequest } from './routing.types';
import { attemptAttributes } from './trace-attributes';

/** What one attempt does with a provider: a chat call, or opening a stream up to its first delta. */
export type AttemptCall<T> = (
  instance: ProviderInstance,
  request: ChatRequest,
  options: CallOptions,
  model: CatalogueModel,
) => Promise<T>;

/** An attempt that failed, kept for the record (the OutcomeReporter writes it). */
export interface AttemptFailure {
  ts: number;
  model: CatalogueModel;
  error: ProviderError;
}

/** What any run leaves behind for the record. */
export interface RunTrace {
  attempts: number;
  calls: ModelCall[];
  failures: AttemptFailure[];
}

/** A successful run: the value, who produced it, and the scopes the caller must dispose when done. */
export interface Execution<T> extends RunTrace {
  ok: true;
  value: T;
  model: CatalogueModel;
  request: RequestScope;
  attempt: AttemptScope;
  /** Milliseconds of the successful attempt until `value` was ready. */
  attemptMs: number;
}

/** A run that got no answer: the domain error for the client (its `code` is a RoutingErrorCode). */
export interface RunFailure extends RunTrace {
  ok: false;
  error: DomainError;
}

/** Kinds that say nothing about the model's health. */
const NEUTRAL_KINDS = new Set<ProviderError['kind']>(['bad_request', 'cancelled']);

interface RunState {
  scope: RequestScope;
  attempts: number;
  breakerSkips: number;
  calls: ModelCall[];
  failures: AttemptFailure[];
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
    readiness: ModelReadiness,
  ) {
    this.routing = config.routing;
    this.layers = config.layers;
    this.breakers = new BreakerBoard(config.routing.breaker);
    readiness.useBreakers((id) => this.breakers.peek(id));
  }

  /**
   * Resolves with the first success, or with a failure once every candidate failed or the deadline
   * passed: its error has a RoutingErrorCode (UpstreamError, TimeoutError, UnavailableError,
   * InvalidInputError for upstream_bad_request, RateLimitedError with the upstream's Retry-After when the
   * last attempt was rate limited, CancelledError when the client left). Never rejects.
   */
  async run<T>(decision: RouteDecision, req: RouteRequest, call: AttemptCall<T>): Promise<Execution<T> | RunFailure> {
    const state: RunState = {
      scope: new RequestScope(this.routing.deadlineMs, req.signal),
      attempts: 0,
      breakerSkips: 0,
      calls: [],
      failures: [],
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
      if (err instanceof DomainError)
        return { ok: false, error: err, attempts: state.attempts, calls: state.calls, failures: state.failures };
      // Not an upstream failure but a bug here: the request still fails cleanly, as upstream_error.
      const message = `routing failed: ${(err as Error)?.message ?? String(err)}`;
      return {
        ok: false,
        error: routingError('upstream_error', message, { cause: err }),
        attempts: 0,
        calls: [],
        failures: state.failures,
      };
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
      const span = req.trace?.attempt(attemptAttributes(model, state.attempts));
      const started = performance.now();
      try {
        // The parameters spread last (they never name model, messages or hints): spread first, each request got
        // a V8 hidden class of its own (see OutcomeReporter.row).
        const upstream: ChatRequest = {
          model: model.upstreamModel,
          messages: req.messages,
          hints: { taskType: decision.taskType },
          ...paramsFor(req.params, this.providers.supportedParams(model.provider)),
        };
        const value = await attempt.race(
          call(instance, upstream, enforcedDeadline({ signal: attempt.signal, timeoutMs }), model),
        );
        breaker.onSuccess();
        span?.end();
        return {
          ok: true,
          value,
          model,
          request: state.scope,
          attempt,
          attempts: state.attempts,
          calls: state.calls,
          failures: state.failures,
          attemptMs: performance.now() - started,
        };
      } catch (raw) {
        attempt.dispose();
        const err = toProviderError(raw, { signal: attempt.signal, what: `${model.provider} ${model.id}` });
        span?.end(err.kind, err.message);
        if (!(await this.afterFailure(model, err, performance.now() - started, retry, state))) return undefined;
      }
    }
  }

  /** Books the failure; true when the same model should be tried again (after the backoff, already waited). */
  private async afterFailure(
    model: CatalogueModel,
    err: ProviderError,
    latencyMs: number,
    retry: number,
    state: RunState,
  ): Promise<boolean> {
    const breaker = this.breakers.for(model.id);
    if (state.scope.clientGone) {
      breaker.release();
      throw routingError('client_closed', 'the client closed the connection');
    }
    state.last = err;
    state.calls.push({ modelId: model.id, success: false, latencyMs, cost: 0 });
    state.failures.push({ ts: Date.now(), model, error: err });
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
      if (state.scope.clientGone) throw routingError('client_closed', 'the client closed the connection');
      throw this.deadline(state);
    }
    return true;
  }

  private deadline(state: RunState): DomainError {
    return routingError(
      'deadline_exceeded',
      `no answer within the ${this.routing.deadlineMs} ms deadline (routing.deadlineMs) after ${state.attempts} attempt(s)`,
      { cause: state.last },
    );
  }

  private exhausted(state: RunState, decision: RouteDecision): DomainError {
    const last = state.last;
    if (state.attempts === 0 && state.breakerSkips > 0) {
      return routingError(
        'circuit_open',
        `every candidate model (${decision.candidates.map((m) => m.id).join(', ')}) has an open circuit breaker; try again later`,
      );
    }
    if (state.attempts === 0)
      return routingError(
        'no_available_model',
        `no provider is available for ${decision.candidates.map((m) => m.id).join(', ') || `the ${decision.layer} layer`}`,
      );
    const tried = `${state.attempts} attempt(s)`;
    if (last?.kind === 'timeout')
      return routingError('upstream_timeout', `the upstream timed out (${tried}): ${last.message}`, { cause: last });
    if (last?.kind === 'rate_limited')
      return routingError('upstream_rate_limited', `the upstream is rate limiting (${tried}): ${last.message}`, {
        cause: last,
        retryAfterMs: last.retryAfterMs,
      });
    if (last?.kind === 'bad_request')
      return routingError('upstream_bad_request', `the upstream refused the request: ${last.message}`, {
        cause: last,
      });
    return routingError(
      'upstream_error',
      `every candidate failed (${tried}); last error: ${last?.message ?? 'unknown'}`,
      {
        cause: last,
        retryAfterMs: last?.retryAfterMs,
      },
    );
  }
}
