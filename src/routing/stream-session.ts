import { toProviderError, type ChatDelta, type TokenUsage } from '@ai-mcp-gateway/provider-sdk';
import type { BudgetHold } from '../budgets/budgets.service';
import type { CatalogueModel, ModelCatalogue } from '../providers/model-catalogue';
import type { ChatSession, StreamKeeper } from './cached-answers';
import type { Execution } from './executor.service';
import type { OutcomeReporter, StreamOutcome } from './outcome-reporter';
import type { RouteDecision, RouteRequest } from './routing.types';

export interface StreamStart {
  iterator: AsyncIterator<ChatDelta>;
  first: IteratorResult<ChatDelta>;
}

/**
 * A stream that has produced its first delta. `deltas()` yields everything; a failure after this
 * point is final (no fallback: the client already has part of an answer), is thrown to the caller
 * to end the stream cleanly, and is recorded (through the OutcomeReporter) like any failed call.
 */
export class StreamSession implements ChatSession {
  readonly model: CatalogueModel;
  readonly cached = false;
  readonly attempts: number;
  outcome?: StreamOutcome;
  private consumed = false;
  /** The budget settlement of the stream's cost (awaited before the stream ends). */
  private settled?: Promise<void>;

  constructor(
    readonly decision: RouteDecision,
    private readonly req: RouteRequest,
    private readonly exec: Execution<StreamStart>,
    private readonly catalogue: ModelCatalogue,
    private readonly outcomes: OutcomeReporter,
    private readonly keeper?: StreamKeeper,
    private readonly hold?: BudgetHold,
  ) {
    this.model = exec.model;
    this.attempts = exec.attempts;
  }

  async *deltas(): AsyncGenerator<ChatDelta> {
    if (this.consumed) throw new Error('a stream session can be read once');
    this.consumed = true;
    const { iterator, first } = this.exec.value;
    let chars = 0;
    let usage: TokenUsage | undefined;
    let finished = false;
    try {
      let next = first;
      while (!next.done) {
        const delta = next.value;
        if (delta.content) chars += delta.content.length;
        if (delta.usage) usage = delta.usage;
        this.keeper?.add(delta);
        yield delta;
        next = await this.exec.attempt.race(iterator.next());
      }
      finished = true;
      this.finish(true, null, usage, chars);
      if (this.outcome) this.keeper?.done(this.outcome.usage);
      await this.settled;
    } catch (raw) {
      finished = true;
      const err = toProviderError(raw, {
        signal: this.exec.attempt.signal,
        what: `${this.model.provider} ${this.model.id} (stream)`,
      });
      const cancelled = this.exec.request.clientGone;
      this.finish(false, cancelled ? 'client_closed' : `stream_${err.kind}`, usage, chars);
      if (!cancelled) this.outcomes.streamBroke(this.decision, this.req, this.model, err.kind, err.message, err.status);
      await this.settled;
      throw err;
    } finally {
      if (!finished) {
        // The consumer stopped early (client gone): release the upstream stream.
        this.finish(false, 'client_closed', usage, chars);
        void Promise.resolve(iterator.return?.()).catch(() => undefined);
      }
      this.exec.attempt.dispose();
      this.exec.request.dispose();
    }
  }

  private finish(success: boolean, errorClass: string | null, reported: TokenUsage | undefined, chars: number): void {
    if (this.outcome) return;
    const promptTokens = reported?.promptTokens ?? this.decision.promptTokens;
    const completionTokens = reported?.completionTokens ?? Math.ceil(chars / 4);
    const usage = reported ?? { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens };
    const cost = this.catalogue.cost(this.model, usage);
    const latencyMs = this.exec.request.elapsedMs();
    this.outcome = { success, errorClass, usage, cost, latencyMs };
    this.settled = this.hold?.settle(cost);
    const calls = this.exec.calls;
    if (errorClass !== 'client_closed') calls.push({ modelId: this.model.id, success, latencyMs, cost });
    this.outcomes.streamEnded(this.decision, this.req, this.model, this.exec, this.outcome);
  }
}
