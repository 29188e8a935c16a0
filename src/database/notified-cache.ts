import { Logger } from '@nestjs/common';
import type { DatabaseService } from './database.service';
import { PgChannelListener } from './pg-channel-listener';
import { queryRows } from './query';

/** A reload that keeps being raced by changes gives up after this many loads (the next change or poll retries). */
const MAX_LOAD_ROUNDS = 10;

export interface NotifiedCacheOptions<T> {
  /** The Postgres NOTIFY channel on which every replica (and the CLI) announces changes. */
  channel: string;
  /** Reads the value from the database; `version` is the generation it is loaded for. */
  load: (version: number) => Promise<T>;
  /** Reload as soon as the value is invalidated (a cache read synchronously); else on the next get(). */
  eager?: boolean;
  /** Sees each notification's payload before the reload: lets a cache drop an entry at once (a revoked key). */
  onNotify?: (payload: string) => void;
  /** Called with every value stored, and the one it replaces. */
  onLoaded?: (value: T, previous: T | undefined) => void;
  /** Postgres: reload this often while the LISTEN connection is down. */
  pollMs?: number;
  /** Reload at least this often, whatever the notifications said (needs pollMs: the check runs on that timer). */
  maxAgeMs?: number;
}

/**
 * A value loaded from the database and kept in memory, invalidated by every local write at once and, on
 * Postgres, by the writes of other replicas through LISTEN/NOTIFY. After a reconnect (notifications sent
 * meanwhile are lost) it is invalidated too. Loads are shared: concurrent callers wait for one, and a
 * load that a change raced is repeated, so a stale value is never stored as current.
 */
export class NotifiedCache<T> {
  private readonly logger: Logger;
  private stored?: { value: T; version: number };
  private generation = 0;
  private loading?: Promise<T>;
  private loadedAt = 0;
  private listener?: PgChannelListener;
  private ticker?: NodeJS.Timeout;
  private started = false;

  constructor(
    private readonly db: DatabaseService,
    /** config.database.url: where the LISTEN connection goes (Postgres only). */
    private readonly url: string | undefined,
    private readonly options: NotifiedCacheOptions<T>,
  ) {
    this.logger = new Logger(`Cache:${options.channel}`);
  }

  /** The last stored value (possibly invalidated since), for synchronous readers. */
  get value(): T | undefined {
    return this.stored?.value;
  }

  /** The generation: bumped by every change this process makes or hears of. */
  get version(): number {
    return this.generation;
  }

  /** Loads at once when eager (a failure is thrown), then listens (Postgres) and starts the poll timer. */
  async start(): Promise<void> {
    this.started = true;
    if (this.options.eager) await this.refresh();
    if (this.db.kind === 'postgres' && this.url) {
      this.listener = new PgChannelListener(this.url, this.options.channel, {
        onNotify: (payload) => {
          this.options.onNotify?.(payload);
          this.invalidate();
        },
        onConnected: () => this.invalidate(),
      });
      await this.listener.start();
    }
    if (this.options.pollMs) {
      this.ticker = setInterval(() => this.tick(), this.options.pollMs);
      this.ticker.unref();
    }
  }

  async stop(): Promise<void> {
    this.started = false;
    clearInterval(this.ticker);
    await this.listener?.stop();
    this.listener = undefined;
  }

  /** Marks the value stale; an eager cache (once started) reloads in the background. */
  invalidate(): void {
    this.generation++;
    if (this.options.eager && this.started) this.refresh().catch((err) => this.warnReload(err));
  }

  /** After a local write: invalidates here at once and tells the other replicas. A failed NOTIFY never fails the write. */
  async changed(payload: string = String(process.pid)): Promise<void> {
    this.invalidate();
    if (this.db.kind !== 'postgres') return;
    try {
      await queryRows(this.db.fork(), 'select pg_notify(?, ?)', [this.options.channel, payload]);
    } catch (err) {
      this.logger.warn(
        `NOTIFY ${this.options.channel} failed (other replicas catch up on reconnect or poll): ${(err as Error).message}`,
      );
    }
  }

  /** The current value, loaded if stale; when loading fails the last good value is kept (and returned). */
  async get(): Promise<T> {
    if (this.stored && this.stored.version === this.generation) return this.stored.value;
    try {
      return await this.refresh();
    } catch (err) {
      if (!this.stored) throw err;
      this.warnReload(err);
      return this.stored.value;
    }
  }

  /** Loads now; concurrent callers share one load. Throws when the database fails (the stored value stays). */
  refresh(): Promise<T> {
    this.loading ??= this.loadUntilSettled().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async loadUntilSettled(): Promise<T> {
    for (let round = 0; round < MAX_LOAD_ROUNDS; round++) {
      const version = this.generation;
      const value = await this.options.load(version);
      if (version !== this.generation) continue;
      const previous = this.stored?.value;
      this.stored = { value, version };
      this.loadedAt = Date.now();
      this.options.onLoaded?.(value, previous);
      return value;
    }
    throw new Error(
      `${this.options.channel} kept changing during ${MAX_LOAD_ROUNDS} loads; the next change or poll retries`,
    );
  }

  private tick(): void {
    const polling = this.db.kind === 'postgres' && !this.listener?.connected;
    const maxAge = this.options.maxAgeMs ?? Infinity;
    if (!polling && Date.now() - this.loadedAt < maxAge) return;
    this.refresh().catch((err) => this.warnReload(err));
  }

  private warnReload(err: unknown): void {
    this.logger.warn(`reloading failed (keeping the last loaded value): ${(err as Error).message}`);
  }
}
