export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  failureThreshold: number;
  cooldownMs: number;
}

/**
 * Per-model breaker: `failureThreshold` consecutive failures open it for `cooldownMs`; then one trial
 * call is let through (half-open). The trial's success closes it, its failure opens it again.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private trialInFlight = false;
  private current: BreakerState = 'closed';

  constructor(
    private readonly options: BreakerOptions,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): BreakerState {
    if (this.current === 'open' && this.now() - this.openedAt >= this.options.cooldownMs) return 'half-open';
    return this.current;
  }

  /** True when a call may go through now; in half-open, only the first caller gets the trial. */
  tryAcquire(): boolean {
    if (this.current === 'closed') return true;
    if (this.current === 'open') {
      if (this.now() - this.openedAt < this.options.cooldownMs) return false;
      this.current = 'half-open';
      this.trialInFlight = false;
    }
    if (this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  onSuccess(): void {
    this.failures = 0;
    this.trialInFlight = false;
    this.current = 'closed';
  }

  onFailure(): void {
    this.trialInFlight = false;
    if (this.current === 'half-open') return this.open();
    this.failures++;
    if (this.failures >= this.options.failureThreshold) this.open();
  }

  /** The call ended without a verdict on the model (e.g. the client went away): free the trial. */
  release(): void {
    this.trialInFlight = false;
  }

  /** Milliseconds until an open breaker lets a trial through (0 when not open). */
  retryInMs(): number {
    if (this.current !== 'open') return 0;
    return Math.max(0, this.options.cooldownMs - (this.now() - this.openedAt));
  }

  private open(): void {
    this.current = 'open';
    this.openedAt = this.now();
    this.failures = 0;
  }
}

/** One breaker per model id, created on first use. */
export class BreakerBoard {
  private readonly breakers = new Map<string, CircuitBreaker>();

  constructor(
    private readonly options: BreakerOptions,
    private readonly now: () => number = Date.now,
  ) {}

  for(modelId: string): CircuitBreaker {
    let breaker = this.breakers.get(modelId);
    if (!breaker) {
      breaker = new CircuitBreaker(this.options, this.now);
      this.breakers.set(modelId, breaker);
    }
    return breaker;
  }

  /** The state of a model's breaker without creating one (a model never called is closed). */
  peek(modelId: string): BreakerState {
    return this.breakers.get(modelId)?.state ?? 'closed';
  }

  /** Forgets every breaker (all closed again). */
  reset(): void {
    this.breakers.clear();
  }

  snapshot(): Record<string, BreakerState> {
    const out: Record<string, BreakerState> = {};
    for (const [id, b] of this.breakers) out[id] = b.state;
    return out;
  }
}
