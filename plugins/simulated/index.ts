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
  type EmbeddingRequest,
  type EmbeddingResponse,
  type ChatDelta,
  type ChatRequest,
  type ChatResponse,
  type FinishReason,
  type PluginContext,
  type ProviderInstance,
  type ToolCall,
} from '@ai-mcp-gateway/provider-sdk';
import { composeAnswer } from './answer';
import { SimulatedTruth } from './judge';
import { simulatedEmbeddings } from './embeddings';
import { planToolCalls } from './tools';
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
  /** Set instead of content when the request's tools get called. */
  toolCalls?: ToolCall[];
  finishReason: FinishReason;
  stopSequence?: string;
  promptTokens: number;
  completionTokens: number;
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
  readonly supportedParams = SIMULATED_PARAMS;
  private readonly calls = new Map<string, number>();
  private readonly truth = new SimulatedTruth();

  constructor(
    private readonly options: SimulatedOptions,
    private readonly ctx: PluginContext,
  ) {}

  listModels() {
    const chat = this.options.models.map((m) => ({ id: m.id, contextWindow: m.contextWindow, ownedBy: 'simulated' }));
    return Promise.resolve([...chat, ...this.options.embeddingModels.map((m) => ({ id: m.id, ownedBy: 'simulated' }))]);
  }

  /** Throws inside the executor so that every failure is a rejection, as for a real upstream. */
  embed(request: EmbeddingRequest, options: CallOptions): Promise<EmbeddingResponse> {
    return new Promise((resolve) => {
      if (options.signal.aborted) throw abortError(options.signal);
      const model = this.options.embeddingModels.find((m) => m.id === request.model);
      if (!model)
        throw new ProviderError(
          'not_found',
          `${this.ctx.providerId}: unknown simulated embedding model ${request.model}`,
          {
            status: 404,
          },
        );
      resolve(simulatedEmbeddings(request, model.dimensions));
    });
  }

  healthCheck() {
    return Promise.resolve({ ok: true, detail: `${this.options.models.length} simulated models` });
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
    const verdict = this.truth.verdict(request.messages);
    const text = verdict ?? composeAnswer(model.id, taskType, request.messages, model.outputTokens, rng);
    const toolCalls = verdict ? undefined : planToolCalls(request, model.id, n, this.ctx.providerId);
    const base = { model, taskType, failed, correct, latencyMs, promptTokens };
    if (toolCalls) {
      const completionTokens = toolCalls.reduce(
        (sum, c) => sum + estimateTokens(c.function.name) + estimateTokens(c.function.arguments),
        0,
      );
      return { ...base, content: '', toolCalls, finishReason: 'tool_calls', completionTokens };
    }
    const outcome: Outcome = { ...base, ...ending(text, request) };
    if (!verdict) this.truth.remember(outcome.content, correct);
    return outcome;
  }

  private failure(o: Outcome): ProviderError {
    const kind = o.model.failureKind;
    return new ProviderError(kind, `${this.ctx.providerId}: simulated ${kind} failure of ${o.model.id}`, {
      status: STATUS[kind],
      retryAfterMs: kind === 'rate_limited' ? 1000 : undefined,
    });
  }

  private response(o: Outcome): ChatResponse {
    const out: ChatResponse = {
      id: `sim-${hash32(o.toolCalls ? JSON.stringify(o.toolCalls) : o.content).toString(16)}`,
      model: o.model.id,
      content: o.toolCalls ? null : o.content,
      finishReason: o.finishReason,
      usage: makeUsage(o.promptTokens, o.completionTokens),
      providerMetadata: this.metadata(o),
    };
    if (o.toolCalls) out.toolCalls = o.toolCalls;
    if (o.stopSequence) out.stopSequence = o.stopSequence;
    return out;
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
      return this.response(o);
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

  // A stream that fails on its first read, as a real upstream's does.
  // eslint-disable-next-line require-yield, @typescript-eslint/require-await
  private async *failedStream(err: unknown): AsyncGenerator<ChatDelta> {
    throw err;
  }

  /** Time to first token is 40% of the latency; the rest is spread over the pieces. */
  private async *stream(o: Outcome, options: CallOptions): AsyncGenerator<ChatDelta> {
    const deadline = startDeadline(options, `${this.ctx.providerId} ${o.model.id} (stream)`);
    try {
      await this.play(o, deadline.signal, 0.4);
      const pieces = o.toolCalls
        ? toolCallDeltas(o.toolCalls)
        : splitText(o.content, 5).map((content) => ({ content }));
      for (const piece of pieces) {
        await this.wait((o.latencyMs * 0.6) / pieces.length, deadline.signal);
        yield piece;
      }
      const last: ChatDelta = {
        finishReason: o.finishReason,
        usage: makeUsage(o.promptTokens, o.completionTokens),
        providerMetadata: this.metadata(o),
      };
      if (o.stopSequence) last.stopSequence = o.stopSequence;
      yield last;
    } finally {
      deadline.dispose();
    }
  }
}

/** Where a text answer ends: at the first stop sequence, else at the token budget, else complete. */
function ending(
  text: string,
  request: ChatRequest,
): Pick<Outcome, 'content' | 'finishReason' | 'stopSequence' | 'completionTokens'> {
  let cut = text.length;
  let stopSequence: string | undefined;
  for (const stop of request.stop ?? []) {
    const at = stop ? text.indexOf(stop) : -1;
    if (at >= 0 && at < cut) [cut, stopSequence] = [at, stop];
  }
  let content = text.slice(0, cut);
  let finishReason: FinishReason = 'stop';
  const budget = request.max_completion_tokens ?? request.max_tokens;
  if (budget !== undefined && estimateTokens(content) > budget) {
    content = content.slice(0, Math.max(1, budget * 4));
    finishReason = 'length';
    stopSequence = undefined;
  }
  const out = { content, finishReason, completionTokens: estimateTokens(content) };
  return stopSequence === undefined ? out : { ...out, stopSequence };
}

/** A tool call streamed as real upstreams do: id and name first, then the arguments in two pieces. */
function toolCallDeltas(calls: readonly ToolCall[]): ChatDelta[] {
  return calls.flatMap((call, index) => {
    const args = call.function.arguments;
    const mid = Math.floor(args.length / 2);
    return [
      {
        toolCalls: [
          { index, id: call.id, type: 'function' as const, function: { name: call.function.name, arguments: '' } },
        ],
      },
      { toolCalls: [{ index, function: { arguments: args.slice(0, mid) } }] },
      { toolCalls: [{ index, function: { arguments: args.slice(mid) } }] },
    ];
  });
}

/** Sampling knobs change nothing in a simulation (no more than temperature does); user and metadata are kept by nobody. */
const SIMULATED_PARAMS = [
  'max_completion_tokens',
  'presence_penalty',
  'frequency_penalty',
  'parallel_tool_calls',
  'top_k',
  'user',
  'metadata',
] as const;

/** A provider without network: models of known quality, latency and failure rate, deterministic by seed. */
export default defineProviderPlugin<SimulatedOptions>({
  id: 'simulated',
  description: 'Simulated models of known quality, latency and failure rate (no network; deterministic by seed).',
  optionsSchema: simulatedOptionsSchema,
  create: (options, ctx) => new SimulatedProvider(options, ctx),
});
