import { abortError, ProviderError } from '../../libs/provider-sdk/src';

/**
 * The life of one request through the executor: the overall deadline and the client's going away,
 * as one AbortSignal and two flags that say which of them fired.
 */
export class RequestScope {
  readonly controller = new AbortController();
  readonly startedAt = performance.now();
  readonly deadlineAt: number;
  deadlineHit = false;
  clientGone = false;
  private readonly timer: NodeJS.Timeout;
  private readonly onClientAbort?: () => void;

  constructor(
    deadlineMs: number,
    private readonly client?: AbortSignal,
  ) {
    this.deadlineAt = this.startedAt + deadlineMs;
    this.timer = setTimeout(() => {
      this.deadlineHit = true;
      this.controller.abort(new ProviderError('timeout', `the request exceeded its ${deadlineMs} ms deadline`));
    }, deadlineMs);
    if (client) {
      if (client.aborted) this.cancel();
      else {
        this.onClientAbort = () => this.cancel();
        client.addEventListener('abort', this.onClientAbort, { once: true });
      }
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  remainingMs(): number {
    return this.deadlineAt - performance.now();
  }

  elapsedMs(): number {
    return performance.now() - this.startedAt;
  }

  dispose(): void {
    clearTimeout(this.timer);
    if (this.onClientAbort) this.client?.removeEventListener('abort', this.onClientAbort);
  }

  private cancel(): void {
    this.clientGone = true;
    this.controller.abort(new ProviderError('cancelled', 'the client went away'));
  }
}

/**
 * One attempt's deadline: the request's signal plus the layer's per-attempt timeout. `race` makes the
 * executor independent of a plugin that ignores its signal.
 */
export class AttemptScope {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly onParentAbort: () => void;
  private aborted?: Promise<never>;

  constructor(
    private readonly parent: AbortSignal,
    readonly timeoutMs: number,
    what: string,
  ) {
    this.onParentAbort = () => this.controller.abort(parent.reason);
    if (parent.aborted) this.controller.abort(parent.reason);
    else parent.addEventListener('abort', this.onParentAbort, { once: true });
    this.timer = setTimeout(() => this.controller.abort(new ProviderError('timeout', `${what} exceeded the ${timeoutMs} ms attempt timeout`)), timeoutMs);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Settles with `work`, or rejects as soon as this attempt's signal aborts. */
  race<T>(work: Promise<T>): Promise<T> {
    if (!this.aborted) {
      const signal = this.controller.signal;
      this.aborted = new Promise<never>((_, reject) => {
        if (signal.aborted) reject(abortError(signal));
        else signal.addEventListener('abort', () => reject(abortError(signal)), { once: true });
      });
      this.aborted.catch(() => undefined);
    }
    work.catch(() => undefined);
    return Promise.race([work, this.aborted]);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.parent.removeEventListener('abort', this.onParentAbort);
  }
}
