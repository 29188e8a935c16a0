import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Clock } from '../common/clock';
import { GATEWAY_CONFIG } from '../config/config.module';
import { GatewayConfig } from '../config/config.schema';
import { AlertRecord, AlertsRepository, NewAlert } from './alerts.repository';
import { WebhookSender } from './webhook-sender';

export const ALERT_SEVERITIES = ['info', 'warning', 'critical'] as const;

/** What a feature reports: the event (never a prompt, never a secret) and how it is deduplicated. */
export interface AlertEvent extends Omit<NewAlert, 'value' | 'baseline' | 'severity'> {
  severity: (typeof ALERT_SEVERITIES)[number];
  value?: number | null;
  baseline?: number | null;
  /** Default: the configured alerts.cooldownMs. */
  cooldownMs?: number;
}

/** Deliveries taken per poll, and how long a replica holds one while it POSTs it. */
const DELIVERY_BATCH = 20;
const LEASE_MS = 30_000;

/**
 * Alerts: raise() is fire-and-forget (never on a request's path); the first replica to take the kind's and
 * subject's cool-down in the database stores the event, others drop it. Stored events are POSTed to
 * alerts.webhookUrl by whichever replica leases them, retried with backoff until delivered or given up.
 */
@Injectable()
export class AlertsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Alerts');
  private timer?: NodeJS.Timeout;
  private delivering?: Promise<void>;
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly repo: AlertsRepository,
    private readonly clock: Clock,
    private readonly sender: WebhookSender,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  onModuleInit(): void {
    if (!this.config.alerts.webhookUrl) return;
    this.timer = setInterval(() => void this.deliverDue(), this.config.alerts.delivery.pollMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await Promise.allSettled([...this.pending]);
    await this.delivering;
  }

  /** Stores (and delivers) the event unless one of its kind and subject is within its cool-down. Never throws. */
  raise(event: AlertEvent): void {
    const job = this.store(event)
      .catch((err: Error) => this.logger.error(`raising a ${event.kind} alert failed: ${err.message}`))
      .finally(() => this.pending.delete(job));
    this.pending.add(job);
  }

  /** Resolves the open alerts of a kind and subject (the condition is over). Never throws. */
  resolve(kind: string, subject: string): void {
    const job = this.repo
      .resolve(kind, subject, this.clock.now())
      .catch((err: Error) => this.logger.warn(`resolving ${kind} alerts failed: ${err.message}`))
      .finally(() => this.pending.delete(job));
    this.pending.add(job);
  }

  /** Waits for the raises in flight (specs, the replay's report). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  list(status: 'open' | 'resolved' | 'all', limit: number, offset: number) {
    return this.repo.list(status, limit, offset);
  }

  /** Delivers what is due now; concurrent calls share one pass. */
  deliverDue(): Promise<void> {
    this.delivering ??= this.deliveryPass().finally(() => (this.delivering = undefined));
    return this.delivering;
  }

  private async store(event: AlertEvent): Promise<void> {
    const now = this.clock.now();
    const cooldown = event.cooldownMs ?? this.config.alerts.cooldownMs;
    const key = `${event.kind}|${event.subject}`;
    if (!(await this.repo.claimCooldown(key, now, new Date(now.getTime() + cooldown)))) return;
    const alert: NewAlert = { ...event, value: event.value ?? null, baseline: event.baseline ?? null };
    const id = await this.repo.insert(alert, now, this.config.alerts.webhookUrl ? now : null);
    this.logger.warn(`alert ${id} ${event.kind} ${event.subject}: ${event.message}`);
    if (this.config.alerts.webhookUrl) void this.deliverDue();
  }

  private async deliveryPass(): Promise<void> {
    const url = this.config.alerts.webhookUrl;
    if (!url) return;
    try {
      const now = this.clock.now();
      const due = await this.repo.claimDue(now, new Date(now.getTime() + LEASE_MS), DELIVERY_BATCH);
      for (const alert of due) await this.deliver(url, alert);
    } catch (err) {
      this.logger.warn(`alert delivery pass failed: ${(err as Error).message}`);
    }
  }

  private async deliver(url: string, alert: AlertRecord): Promise<void> {
    const d = this.config.alerts.delivery;
    const error = await this.sender.post(url, webhookBody(alert), d.timeoutMs);
    if (!error) return this.repo.markDelivered(alert.id, this.clock.now());
    const attempt = alert.attempts + 1;
    const retryAt =
      attempt >= d.maxAttempts
        ? null
        : new Date(this.clock.now().getTime() + this.sender.delay(attempt, d.backoffBaseMs, d.backoffMaxMs));
    this.logger.warn(
      `alert ${alert.id} not delivered (attempt ${attempt}: ${error})${retryAt ? `; retried at ${retryAt.toISOString()}` : '; given up'}`,
    );
    await this.repo.markFailed(alert.id, error, retryAt);
  }
}

/** The JSON event POSTed to the webhook: the stored alert, its evidence and where to read it; nothing else. */
export function webhookBody(a: AlertRecord): Record<string, unknown> {
  return {
    id: a.id,
    kind: a.kind,
    severity: a.severity,
    subject: a.subject,
    message: a.message,
    value: a.value,
    baseline: a.baseline,
    window: a.window,
    openedAt: a.openedAt.toISOString(),
    link: `/tools/get_alerts?status=all`,
    evidence: a.evidence,
  };
}
