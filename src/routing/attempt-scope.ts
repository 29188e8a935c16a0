import { abortError, ProviderError } from '@ai-mcp-gateway/provider-sdk';

function noop(): void {
  // swallows a rejection nobody awaits
}

/**
 * The client's going away, without an AbortController per request: one listener at most (the
 * request scope's), told once when close() is called.
 */
export class ClientLink {
  aborted = false;
  private listener?: () => void;

  close(): void {
    if (this.aborted) return;
    this.aborted = true;
    const listener = this.listener;
    this.listener = undefined;
    listener?.();
  }

  /** @internal */
  listen(listener: (() => void) | undefined): void {
    this.listener = listener;
  }
}

function onDeadline(scope: RequestScope, deadlineMs: number): void {
  scope.deadlineHit = true;
  scope.abortWith(new ProviderError('timeout', `the request exceeded its ${deadlineMs} ms deadline`));
}

/**
 * The life of one request through the executor: the overall deadline and the client's going away,
 * as one AbortSignal and two flags that say which of them fired.
 *
 * Cheap on the happy path: one timer and one listener on the client's signal. The AbortSignal is
 * created only when someone asks for it (a backoff sleep); the running attempt is told directly.
 */
export class RequestScope {
  readonly startedAt = performance.now();
  readonly deadlineAt: number;
  deadlineHit = false;
  clientGone = false;
  /** Why the scope ended (the first of deadline and client abort), once it has. */
  reason?: ProviderError;
  private controller?: AbortController;
  private child?: AttemptScope;
  private readonly timer: NodeJS.Timeout;
  private readonly onClientAbort?: () => void;

  constructor(
    deadlineMs: number,
    private readonly client?: AbortSignal | ClientLink,
  ) {
    this.deadlineAt = this.startedAt + deadlineMs;
    this.timer = setTimeout(onDeadline, deadlineMs, this, deadlineMs);
    if (client) {
      if (client.aborted) this.cancel();
      else if (client instanceof ClientLink) {
        this.onClientAbort = () => this.cancel();
        client.listen(this.onClientAbort);
      } else {
        this.onClientAbort = () => this.cancel();
        client.addEventListener('abort', this.onClientAbort, { once: true });
      }
    }
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.reason) this.controller.abort(this.reason);
    }
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
    if (!this.onClientAbort || !this.client) return;
    if (this.client instanceof ClientLink) this.client.listen(undefined);
    else this.client.removeEventListener('abort', this.onClientAbort);
  }

  /** Ends the scope (the first reason wins, as with AbortController) and aborts the running attempt. */
  abortWith(reason: ProviderError): void {
    if (this.reason) return;
    this.reason = reason;
    this.controller?.abort(reason);
    this.child?.abort(reason);
  }

  /** @internal the attempt that is told when the scope ends */
  attach(child: AttemptScope): void {
    this.child = child;
  }

  /** @internal */
  detach(child: AttemptScope): void {
    if (this.child === child) this.child = undefined;
  }

  private cancel(): void {
    this.clientGone = true;
    this.abortWith(new ProviderError('cancelled', 'the client went away'));
  }
}

function onAttemptTimeout(scope: AttemptScope, what: string): void {
  scope.abort(new ProviderError('timeout', `${what} exceeded the ${scope.timeoutMs} ms attempt timeout`));
}

/**
 * One attempt's deadline: the request's scope plus the layer's per-attempt timeout. `race` makes the
 * executor independent of a plugin that ignores its signal.
 */
export class AttemptScope {
  private readonly controller = new AbortController();
  private timer?: NodeJS.Timeout;
  private aborted?: Promise<never>;
  private rejectRace?: (err: ProviderError) => void;

  constructor(
    private readonly parent: RequestScope,
    readonly timeoutMs: number,
    what: string,
  ) {
    if (parent.reason) this.controller.abort(parent.reason);
    else parent.attach(this);
    this.timer = setTimeout(onAttemptTimeout, timeoutMs, this, what);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** @internal aborts this attempt (its timeout or its request scope ended); the first reason wins. */
  abort(reason: ProviderError): void {
    const signal = this.controller.signal;
    if (signal.aborted) return;
    this.controller.abort(reason);
    if (this.rejectRace) {
      const reject = this.rejectRace;
      this.rejectRace = undefined;
      reject(abortError(signal));
    }
  }

  /** Settles with `work`, or rejects as soon as this attempt's signal aborts. */
  race<T>(work: Promise<T>): Promise<T> {
    if (!this.aborted) {
      const signal = this.controller.signal;
      this.aborted = new Promise<never>((_, reject) => {
        if (signal.aborted) reject(abortError(signal));
        else this.rejectRace = reject;
      });
      this.aborted.catch(noop);
    }
    work.catch(noop);
    return Promise.race([work, this.aborted]);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.parent.detach(this);
  }
}
