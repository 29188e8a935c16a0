import {
  ProviderError,
  abortError,
  defineProviderPlugin,
  estimateMessagesTokens,
  estimateTokens,
  makeUsage,
  sleep,
  splitText,
  startDeadline,
  type CallOptions,
  type ChatDelta,
  type ChatRequest,
  type ChatResponse,
  type FinishReason,
  type PluginContext,
  type ProviderInstance,
} from '@ai-mcp-gateway/provider-sdk';
import { composeAnswer } from './answer';
import { simulatedOptionsSchema, type SimulatedModel, type SimulatedOptions } from './options';
import { hash32, lognormalFromQuantiles, mulberry32 } from './rng';

export { simulatedOptionsSchema, type SimulatedOptions } from './options';

/** Everything random about one call, drawn up front so the outcome depends only on call order. */
interface Outcome {
  model: SimulatedModel;
  taskType: string;
  failed: boolean;
  correct: boolean;
  /** Drawn latency, before latencyScale. */
  latencyMs: number;
  content: string;
  finishReason: FinishReason;
  promptTokens: number;
}

const STATUS: Partial<Record<ProviderError['kind'], number>> = {
  rate_limited: 429,
  auth: 401,
  bad_request: 400,
  not_found: 404,
  upstream: 500,
};
/** Kinds a real upstream reports at once, before doing any work. */
const FAST_FAILURES = new Set<ProviderError['kind']>(['rate_limited', 'auth', 'bad_request', 'not_found']);

class SimulatedProvider implements ProviderInstance {
  private readonly calls = new Map<string, number>();

  constructor(
    private readonly options: SimulatedOptions,
    private readonly ctx: PluginContext,
  ) {}

  async listModels() {
    return this.options.models.map((m) => ({ id: m.id, contextWindow: m.contextWindow, ownedBy: 'simulated' }));
  }

  async healthCheck() {
    return { ok: true, detail: `${this.options.models.length} simulated models` };
  }

  /** Draws the outcome synchronously: the n-th call to a model with the same request always gets the same one. */
  private draw(request: ChatRequest): Outcome {
    const model = this.options.models.find((m) => m.id === request.model);
    if (!model)
      throw new ProviderError('not_found', `${this.ctx.providerId}: unknown simulated model ${request.model}`, {
        status: 404,
      });
    const promptTokens = estimateMessagesTokens(request.messages);
    if (model.contextWindow && promptTokens > model.contextWindow) {
      throw new ProviderError(
        'bad_request',
        `${this.ctx.providerId}: prompt of ~${promptTokens} tokens exceeds ${model.id}'s context window of ${model.contextWindow}`,
        { status: 400 },
      );
    }
    const n = this.calls.get(model.id) ?? 0;
    this.calls.set(model.id, n + 1);
    const taskType = request.hints?.taskType ?? 'default';
    const rng = mulberry32(
      hash32(`${this.options.seed}|${model.id}|${n}|${taskType}|${JSON.stringify(request.messages)}`),
    );
    const failed = rng() < model.failureRate;
    const correct = rng() < (model.quality[taskType] ?? model.quality.default);
    const latencyMs = lognormalFromQuantiles(model.latencyMs.p50, model.latencyMs.p99, rng);
    let content = composeAnswer(model.id, taskType, request.messages, model.outputTokens, rng);
    let finishReason: FinishReason = 'stop';
    if (request.max_tokens !== undefined && estimateTokens(content) > request.max_tokens) {
      content = content.slice(0, Math.max(1, request.max_tokens * 4));
      finishReason = 'length';
    }
    return { model, taskType, failed, correct, latencyMs, content, finishReason, promptTokens };
  }

  private failure(o: Outcome): ProviderError {
    const kind = o.model.failureKind;
    return new ProviderError(kind, `${this.ctx.providerId}: simulated ${kind} failure of ${o.model.id}`, {
      status: STATUS[kind],
      retryAfterMs: kind === 'rate_limited' ? 1000 : undefined,
    });
  }

  private metadata(o: Outcome): Record<string, unknown> {
    return { simulated: { correct: o.correct, taskType: o.taskType, latencyMs: Math.round(o.latencyMs) } };
  }

  /** Waits the scaled latency (or fails fast), then throws the drawn failure if any. */
  private async play(o: Outcome, signal: AbortSignal, share = 1): Promise<void> {
    if (signal.aborted) throw abortError(signal);
    if (o.failed && FAST_FAILURES.has(o.model.failureKind)) throw this.failure(o);
    await this.wait(o.latencyMs * share, signal);
    if (o.failed) throw this.failure(o);
  }

  /** latencyScale 0 skips timers entirely: simulations run thousands of calls. */
  private async wait(latencyMs: number, signal: AbortSignal): Promise<void> {
    const ms = latencyMs * this.options.latencyScale;
    if (ms > 0) await sleep(ms, signal);
    else if (signal.aborted) throw abortError(signal);
  }

  async chat(request: ChatRequest, options: CallOptions): Promise<ChatResponse> {
    const deadline = startDeadline(options, `${this.ctx.providerId} ${request.model}`);
    try {
      deadline.throwIfAborted();
      const o = this.draw(request);
      await this.play(o, deadline.signal);
      return {
        id: `sim-${hash32(o.content).toString(16)}`,
        model: o.model.id,
        content: o.content,
        finishReason: o.finishReason,
        usage: makeUsage(o.promptTokens, estimateTokens(o.content)),
        providerMetadata: this.metadata(o),
      };
    } finally {
      deadline.dispose();
    }
  }

  chatStream(request: ChatRequest, options: CallOptions): AsyncIterable<ChatDelta> {
    if (options.signal.aborted) return this.failedStream(abortError(options.signal));
    let outcome: Outcome;
    try {
      outcome = this.draw(request);
    } catch (err) {
      return this.failedStream(err);
    }
    return this.stream(outcome, options);
  }

  private async *failedStream(err: unknown): AsyncGenerator<ChatDelta> {
    throw err;
  }

  /** Time to first token is 40% of the latency; the rest is spread over the pieces. */
  private async *stream(o: Outcome, options: CallOptions): AsyncGenerator<ChatDelta> {
    const deadline = startDeadline(options, `${this.ctx.providerId} ${o.model.id} (stream)`);
    try {
      await this.play(o, deadline.signal, 0.4);
      const pieces = splitText(o.content, 5);
      for (const piece of pieces) {
        await this.wait((o.latencyMs * 0.6) / pieces.length, deadline.signal);
        yield { content: piece };
      }
      yield {
        finishReason: o.finishReason,
        usage: makeUsage(o.promptTokens, estimateTokens(o.content)),
        providerMetadata: this.metadata(o),
      };
    } finally {
      deadline.dispose();
    }
  }
}

/** A provider without network: models of known quality, latency and failure rate, deterministic by seed. */
export default defineProviderPlugin<SimulatedOptions>({
  id: 'simulated',
  description: 'Simulated models of known quality, latency and failure rate (no network; deterministic by seed).',
  optionsSchema: simulatedOptionsSchema,
  create: (options, ctx) => new SimulatedProvider(options, ctx),
});
