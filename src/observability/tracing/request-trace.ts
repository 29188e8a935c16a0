import type { Attributes, Span, SpanKind, SpanStatusCode, Tracer } from '@opentelemetry/api';

/** The parts of @opentelemetry/api a trace uses (loaded only when tracing is on). */
export interface OtelApi {
  trace: { setSpan(context: unknown, span: Span): unknown };
  context: { active(): unknown };
  SpanKind: typeof SpanKind;
  SpanStatusCode: typeof SpanStatusCode;
}

/** OpenTelemetry GenAI semantic conventions (gen_ai.*), and the gateway's own attributes. */
export const GEN_AI = {
  operation: 'gen_ai.operation.name',
  system: 'gen_ai.system',
  provider: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  responseModel: 'gen_ai.response.model',
  responseId: 'gen_ai.response.id',
  maxTokens: 'gen_ai.request.max_tokens',
  temperature: 'gen_ai.request.temperature',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  errorType: 'error.type',
} as const;

/** One attempt's span: ended once, with the provider's error kind when it failed. */
export interface AttemptSpan {
  end(errorKind?: string, message?: string): void;
}

/** How a request ended, for its span (never prompt or answer text). */
export interface RequestOutcomeAttributes {
  success: boolean;
  errorClass: string | null;
  model: string;
  responseModel?: string;
  provider?: string;
  layer: string;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
  attempts: number;
}

/**
 * The spans of one routed request: a root span (`chat <requested model>`), with children for the decision,
 * each attempt at a model and the recording of the outcome. Created only while tracing is on: callers hold
 * it as an optional field, so a request without tracing costs one undefined check per step.
 */
export class RequestTrace {
  private readonly parent: unknown;
  private ended = false;

  constructor(
    private readonly api: OtelApi,
    private readonly tracer: Tracer,
    private readonly root: Span,
  ) {
    this.parent = api.trace.setSpan(api.context.active(), root);
  }

  /** The decision, as a span from `startedAt` (performance.now()) to now. */
  decided(startedAt: number, attributes: Attributes): void {
    this.root.setAttributes(attributes);
    this.child('gateway.decide', { startTime: startedAt, attributes }).end();
  }

  /** A call to one model (the span lasts until the answer, or a stream's first delta). */
  attempt(attributes: Attributes & { [GEN_AI.requestModel]: string }): AttemptSpan {
    const span = this.child(`chat ${attributes[GEN_AI.requestModel]}`, {
      kind: this.api.SpanKind.CLIENT,
      attributes: { [GEN_AI.operation]: 'chat', ...attributes },
    });
    let done = false;
    return {
      end: (errorKind, message) => {
        if (done) return;
        done = true;
        if (errorKind) {
          span.setAttribute(GEN_AI.errorType, errorKind);
          span.setStatus({ code: this.api.SpanStatusCode.ERROR, message });
        }
        span.end();
      },
    };
  }

  /** Runs `record` (handing the outcome to the recorder) in the recording span, then ends the request. */
  recorded(outcome: RequestOutcomeAttributes, record: () => void): void {
    const span = this.child('gateway.record', { attributes: { 'gateway.success': outcome.success } });
    try {
      record();
    } finally {
      span.end();
      this.finish(outcome);
    }
  }

  /** The request ended before reaching a model (refused by the decision). */
  failed(errorType: string, message: string): void {
    if (this.ended) return;
    this.ended = true;
    this.root.setAttribute(GEN_AI.errorType, errorType);
    this.root.setStatus({ code: this.api.SpanStatusCode.ERROR, message });
    this.root.end();
  }

  private finish(o: RequestOutcomeAttributes): void {
    if (this.ended) return;
    this.ended = true;
    this.root.setAttributes({
      [GEN_AI.responseModel]: o.responseModel ?? o.model,
      [GEN_AI.inputTokens]: o.tokensIn,
      [GEN_AI.outputTokens]: o.tokensOut,
      'gateway.model': o.model,
      'gateway.layer': o.layer,
      'gateway.cost_usd': o.costUsd,
      'gateway.attempts': o.attempts,
      'gateway.success': o.success,
      ...(o.provider ? { [GEN_AI.system]: o.provider, [GEN_AI.provider]: o.provider } : {}),
    });
    if (!o.success) {
      this.root.setAttribute(GEN_AI.errorType, o.errorClass ?? 'error');
      this.root.setStatus({ code: this.api.SpanStatusCode.ERROR, message: o.errorClass ?? undefined });
    }
    this.root.end();
  }

  private child(name: string, options: Parameters<Tracer['startSpan']>[1]): Span {
    return this.tracer.startSpan(name, options, this.parent as Parameters<Tracer['startSpan']>[2]);
  }
}
