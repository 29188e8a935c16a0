import Redis from 'ioredis';

/**
 * Answers in Redis, shared by every replica: one string per key with the cache's time to live (Redis's
 * own maxmemory policy bounds its size). A Redis that fails or is slow is a miss, never a failed request.
 */
export class RedisStore<V> {
  readonly client: Redis;

  constructor(
    url: string,
    private readonly prefix: string,
    private readonly ttlMs: number,
    onError: (err: Error) => void,
  ) {
    this.client = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 3000,
      disconnectTimeout: 100,
      commandTimeout: 100,
      retryStrategy: (times) => Math.min(5000, 200 * 2 ** Math.min(times, 5)),
    });
    this.client.on('error', onError);
  }

  /** Connected (until then every lookup is a miss). */
  get ready(): boolean {
    return this.client.status === 'ready';
  }

  async get(key: string): Promise<V | undefined> {
    const text = await this.client.get(this.prefix + key);
    return text === null ? undefined : (JSON.parse(text) as V);
  }

  async set(key: string, value: V): Promise<void> {
    await this.client.set(this.prefix + key, JSON.stringify(value), 'PX', this.ttlMs);
  }

  close(): void {
    this.client.disconnect();
  }
}
