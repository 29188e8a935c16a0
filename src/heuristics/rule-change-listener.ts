import { Logger } from '@nestjs/common';
import { Client } from 'pg';

export const RULES_CHANGED_CHANNEL = 'routing_rules_changed';

const CONNECT_TIMEOUT_MS = 5000;
const MAX_BACKOFF_MS = 30_000;

/**
 * A dedicated Postgres connection that LISTENs for rule changes made by any replica. It reconnects
 * with backoff after errors; `onChange` also fires after every (re)connect, because notifications sent
 * while disconnected are lost and the cache may be stale.
 */
export class RuleChangeListener {
  private readonly logger = new Logger('HeuristicsListener');
  private client?: Client;
  private stopped = false;
  private attempt = 0;
  private retryTimer?: NodeJS.Timeout;

  constructor(
    private readonly url: string,
    private readonly onChange: () => void,
    private readonly channel = RULES_CHANGED_CHANNEL,
  ) {}

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
    const client = new Client({ connectionString: this.url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, keepAlive: true });
    client.on('notification', (msg) => {
      if (msg.channel === this.channel) this.onChange();
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
    this.onChange();
  }

  /** Called for every failure path of one client; only the first call for that client schedules a retry. */
  private lost(client: Client, err?: Error): void {
    const wasCurrent = this.client === client;
    if (wasCurrent) this.client = undefined;
    const tagged = client as Client & { gatewayLost?: boolean };
    if (tagged.gatewayLost || this.stopped) return;
    tagged.gatewayLost = true;
    client.end().catch(() => undefined);
    const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.attempt++);
    this.logger.warn(`rule change listener ${err ? `failed (${err.message})` : 'disconnected'}; reconnecting in ${delay} ms`);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
    this.retryTimer.unref();
  }
}
