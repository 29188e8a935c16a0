import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ChatResponse, TokenUsage } from '@ai-mcp-gateway/provider-sdk';
import type { DomainError } from '../errors';
import type { CatalogueModel } from '../providers/model-catalogue';
import { RecorderService } from '../recording/recorder.service';
import type { FailureRecord, RequestRecord, RequestSnapshot } from '../recording/recording.types';
import { MODEL_POLICY, type ModelPolicy } from './model-policy';
import type { AttemptFailure, Execution, RunFailure, RunTrace } from './executor.service';
import type { RouteDecision, RouteRequest } from './routing.types';
import { outcomeAttributes } from './trace-attributes';

/** What a request_log row says of the outcome (the rest comes from the decision and the request). */
type RowOutcome = Omit<RequestRecord, 'id' | 'clientRequestId' | 'ts' | 'taskType' | 'ruleId' | 'strategyArm'>;

/** How a stream ended, for the client and the record. */
export interface StreamOutcome {
  success: boolean;
  errorClass: string | null;
  usage: TokenUsage;
  cost: number;
  latencyMs: number;
}

/**
 * The one place a routed request's outcome reaches the recorder: its failed attempts, its request_log
 * row, and a request-level failure when it got no answer. Fed by the router with the executor's
 * results and by the stream session when a stream ends. Never throws, never waits (the recorder queues).
 */
@Injectable()
export class OutcomeReporter {
  private readonly logger = new Logger('OutcomeReporter');

  constructor(
    private readonly recorder: RecorderService,
    @Inject(MODEL_POLICY) private readonly policy: ModelPolicy,
  ) {}

  /** A non-streaming request answered by `run.model`. */
  answered(
    d: RouteDecision,
    req: RouteRequest,
    run: Execution<unknown>,
    usage: TokenUsage,
    cost: number,
    latencyMs: number,
    response?: ChatResponse,
  ): void {
    this.attemptsFailed(d, req, run.failures);
    this.request(d, req, run.model, run, { success: true, errorClass: null, usage, cost, latencyMs });
    this.observe(d, req, run.model.id, true, null, response, run.failures);
  }

  /**
   * A request answered by the response cache: its request_log row, cost 0, marked cached and without
   * model calls, so that it is never an outcome of the model (model_performance, the optimizer).
   */
  cached(
    d: RouteDecision,
    req: RouteRequest,
    model: CatalogueModel,
    usage: TokenUsage,
    latencyMs: number,
    stream: boolean,
  ): void {
    this.record(
      req,
      this.row(d, req, {
        layer: model.layer,
        model: model.id,
        tokensIn: usage.promptTokens,
        tokensOut: usage.completionTokens,
        cost: 0,
        latencyMs,
        success: true,
        errorClass: null,
        attempts: 0,
        stream,
        calls: [],
        cached: true,
      }),
      model,
    );
  }

  /** A request that got no answer; returns its error, for the caller to throw. */
  failed(d: RouteDecision, req: RouteRequest, run: RunFailure): DomainError {
    this.attemptsFailed(d, req, run.failures);
    const { error, calls } = run;
    const model = calls.length ? calls[calls.length - 1].modelId : (d.candidates[0]?.id ?? 'none');
    const layer = d.candidates.find((m) => m.id === model)?.layer ?? d.layer;
    this.record(
      req,
      this.row(d, req, {
        layer,
        model,
        tokensIn: 0,
        tokensOut: 0,
        cost: 0,
        latencyMs: 0,
        success: false,
        errorClass: error.code,
        attempts: run.attempts,
        stream: req.stream,
        calls,
      }),
    );
    this.observe(d, req, model, false, error.code, undefined, run.failures);
    if (error.code !== 'client_closed')
      this.failure(d, req, {
        scope: 'request',
        kind: error.code,
        message: error.message,
        model: null,
        provider: null,
        layer: d.layer,
      });
    return error;
  }

  /** A stream that produced its first delta: the attempts that failed before it. */
  streamOpened(d: RouteDecision, req: RouteRequest, run: Execution<unknown>): void {
    this.attemptsFailed(d, req, run.failures);
  }

  /** A stream's end: its request_log row. */
  streamEnded(d: RouteDecision, req: RouteRequest, model: CatalogueModel, run: RunTrace, outcome: StreamOutcome): void {
    this.request(d, req, model, run, outcome, true);
    this.observe(d, req, model.id, outcome.success, outcome.errorClass);
  }

  /** Hands the outcome to the policy (the learned one learns from it); a failure there never reaches the request. */
  private observe(
    d: RouteDecision,
    req: RouteRequest,
    model: string,
    success: boolean,
    errorClass: string | null,
    response?: ChatResponse,
    failures: readonly AttemptFailure[] = [],
  ): void {
    if (!this.policy.observe) return;
    try {
      this.policy.observe({
        requestId: req.requestId,
        taskType: d.taskType,
        model,
        success,
        errorClass,
        failedAttempts: failures.map((f) => ({ model: f.model.id, kind: f.error.kind })),
        finishReason: response?.finishReason,
        answer: response?.content ?? undefined,
        messages: req.messages,
      });
    } catch (err) {
      this.logger.warn(`the policy could not learn from ${req.requestId}: ${(err as Error).message}`);
    }
  }

  /** A stream that failed after its first delta: the attempt's failure and the request's. */
  streamBroke(
    d: RouteDecision,
    req: RouteRequest,
    model: CatalogueModel,
    kind: string,
    message: string,
    status?: number,
  ): void {
    const common = { layer: model.layer, stream: true };
    this.failure(d, req, {
      ...common,
      scope: 'attempt',
      kind,
      message,
      model: model.id,
      provider: model.provider,
      status,
    });
    this.failure(d, req, {
      ...common,
      scope: 'request',
      kind: 'stream_interrupted',
      message: `the stream from ${model.id} failed after its first chunk: ${kind}`,
      model: null,
      provider: null,
    });
  }

  private attemptsFailed(d: RouteDecision, req: RouteRequest, failures: readonly AttemptFailure[]): void {
    for (const f of failures)
      this.failure(d, req, {
        scope: 'attempt',
        ts: f.ts,
        kind: f.error.kind,
        message: f.error.message,
        model: f.model.id,
        provider: f.model.provider,
        status: f.error.status,
        layer: f.model.layer,
      });
  }

  private request(
    d: RouteDecision,
    req: RouteRequest,
    model: CatalogueModel,
    run: RunTrace,
    outcome: StreamOutcome,
    stream = false,
  ): void {
    this.record(
      req,
      this.row(d, req, {
        layer: model.layer,
        model: model.id,
        tokensIn: outcome.usage.promptTokens,
        tokensOut: outcome.usage.completionTokens,
        cost: outcome.cost,
        latencyMs: outcome.latencyMs,
        success: outcome.success,
        errorClass: outcome.errorClass,
        attempts: run.attempts,
        stream,
        calls: run.calls,
      }),
      model,
    );
  }

  /** Hands a request's row to the recorder; while tracing, in the recording span, which ends the request's trace. */
  private record(req: RouteRequest, row: RequestRecord, model?: CatalogueModel): void {
    if (!req.trace) return this.recorder.recordRequest(row);
    req.trace.recorded(outcomeAttributes(row, model), () => this.recorder.recordRequest(row));
  }

  /**
   * A request_log row: the decision's and the request's fields, then the outcome's, as one literal in one
   * order. Built as a spread followed by properties, every row got a V8 hidden class of its own (12 map
   * transitions per request, seen with --log-maps): old-space garbage and CPU on each request.
   */
  private row(d: RouteDecision, req: RouteRequest, o: RowOutcome): RequestRecord {
    return {
      id: req.requestId,
      clientRequestId: req.clientRequestId ?? null,
      ts: Date.now(),
      taskType: d.taskType,
      ruleId: d.rule?.id ?? null,
      strategyArm: d.strategyArm,
      layer: o.layer,
      model: o.model,
      tokensIn: o.tokensIn,
      tokensOut: o.tokensOut,
      cost: o.cost,
      latencyMs: o.latencyMs,
      success: o.success,
      errorClass: o.errorClass,
      attempts: o.attempts,
      stream: o.stream,
      calls: o.calls,
      cached: o.cached,
    };
  }

  private failure(
    d: RouteDecision,
    req: RouteRequest,
    f: Pick<FailureRecord, 'scope' | 'kind' | 'message' | 'model' | 'provider' | 'layer' | 'status'> & {
      ts?: number;
      stream?: boolean;
    },
  ): void {
    // One literal, as row(): during an outage every failed attempt makes one.
    this.recorder.recordFailure({
      scope: f.scope,
      requestId: req.requestId,
      ts: f.ts ?? Date.now(),
      kind: f.kind,
      message: f.message,
      model: f.model,
      provider: f.provider,
      status: f.status,
      taskType: d.taskType,
      layer: f.layer,
      ruleId: d.rule?.id ?? null,
      snapshot: snapshotOf(req, f.stream ?? req.stream),
    });
  }
}

function snapshotOf(req: RouteRequest, stream: boolean): RequestSnapshot {
  return { model: req.model, messages: req.messages, params: req.params, stream };
}
