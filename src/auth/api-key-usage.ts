import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ApiKeysRepository } from './api-keys.repository';

/** How often the last uses kept in memory are written to api_keys. */
const FLUSH_MS = 60_000;

/**
 * When each key was last used. The auth check notes it in memory (a map write per request, no query);
 * a timer writes what changed every minute and at stop; readers see the newer of stored and pending.
 */
@Injectable()
export class ApiKeyUsage implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('ApiKeys');
  private pending = new Map<number, Date>();
  private readonly recent = new Map<number, number>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly keys: ApiKeysRepository) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }

  /** Key `keyId` authenticated a request now. */
  touch(keyId: number): void {
    this.recent.set(keyId, Date.now());
  }

  /** Writes the uses noted since the last flush; kept for the next one when the database refuses. */
  async flush(): Promise<void> {
    for (const [id, ms] of this.recent) this.pending.set(id, new Date(ms));
    this.recent.clear();
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      await this.keys.markUsed(batch);
    } catch (err) {
      for (const [id, at] of batch) if (!this.pending.has(id)) this.pending.set(id, at);
      this.logger.warn(`writing the keys' last use failed (${(err as Error).message}); retried in a minute`);
    }
  }

  /** The last use of every key that has one: stored, or newer in memory. */
  async lastUses(): Promise<Map<number, Date>> {
    const out = await this.keys.lastUses();
    const newer = (id: number, at: Date) => {
      const stored = out.get(id);
      if (!stored || stored < at) out.set(id, at);
    };
    for (const [id, at] of this.pending) newer(id, at);
    for (const [id, ms] of this.recent) newer(id, new Date(ms));
    return out;
  }
}
