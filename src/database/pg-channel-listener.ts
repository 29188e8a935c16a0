import { Logger } from '@nestjs/common';
import { Client } from 'pg';

const CONNECT_TIMEOUT_MS = 5000;
const MAX_BACKOFF_MS = 30_000;

export interface ChannelHandlers {
  /** A NOTIFY on the channel from any replica (or the CLI), with its payload. */
  onNotify: (payload: string) => void;
  /** After every (re)connect: notifications sent while disconnected are lost, so caches must reload. */
  onConnected: () => void;
}

/**
 * A dedicated Postgres connection that LISTENs on one channel, so caches on every replica learn of
 * writes made elsewhere. It reconnects with exponential backoff after an error or a disconnect.
 */
export class PgChannelListener {
  private readonly logger: Logger;
  private client?: Client;
  private stopped = false;
  private attempt = 0;
  private retryTimer?: NodeJS.Timeout;

  constructor(
    private readonly url: string,
    private readonly channel: string,
    private readonly handlers: ChannelHandlers,
  ) {
    this.logger = new Logger(`Listen:${channel}`);
  }

  get connected(): boolean {
    return this.client !== undefined;
  }

  /** Resolves after the first attempt; a failure is logged and retried in the background. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({
      connectionString: this.url,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      keepAlive: true,
    });
    client.on('notification', (msg) => {
      if (msg.channel === this.channel) this.handlers.onNotify(msg.payload ?? '');
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`listen "${this.channel}"`);
    } catch (err) {
      this.lost(client, err as Error);
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.attempt = 0;
    this.handlers.onConnected();
  }

  /** Every failure path of one client ends here; only the first call for that client schedules a retry. */
  private lost(client: Client, err?: Error): void {
    if (this.client === client) this.client = undefined;
    const tagged = client as Client & { gatewayLost?: boolean };
    if (tagged.gatewayLost || this.stopped) return;
    tagged.gatewayLost = true;
    client.end().catch(() => undefined);
    const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.attempt++);
    this.logger.warn(`listener ${err ? `failed (${err.message})` : 'disconnected'}; reconnecting in ${delay} ms`);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
    this.retryTimer.unref();
  }
}
