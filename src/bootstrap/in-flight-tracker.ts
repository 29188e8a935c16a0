import type { LongLivedResponses } from '../common/http/long-lived';

/** Tracks in-flight requests so that a graceful stop can wait for them to finish. */
export class InFlightTracker implements LongLivedResponses {
  private count = 0;
  private waiters: Array<() => void> = [];
  private readonly held = new Set<() => void>();

  enter(): void {
    this.count++;
  }
  leave(): void {
    this.count--;
    if (this.count === 0) this.waiters.splice(0).forEach((w) => w());
  }
  get size(): number {
    return this.count;
  }
  hold(end: () => void): () => void {
    this.held.add(end);
    return () => this.held.delete(end);
  }
  /**
   * Ends the long-lived responses (event streams), then resolves when nothing is in flight or the timeout
   * passes; true when drained.
   */
  drain(timeoutMs: number): Promise<boolean> {
    const ends = [...this.held];
    this.held.clear();
    for (const end of ends) end();
    if (this.count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
