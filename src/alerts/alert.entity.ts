import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/** One alert event: kept whether or not a webhook is configured; delivery state beside it (an outbox). */
@Entity({ tableName: 'alerts' })
export class Alert {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 40 })
  @Index({ name: 'alerts_kind_idx' })
  kind!: string;

  @Property({ type: 'string', length: 10 })
  severity!: string;

  @Property({ type: 'string', length: 200 })
  subject!: string;

  @Property({ type: 'text' })
  message!: string;

  @Property({ type: 'double', nullable: true })
  value?: number | null;

  @Property({ type: 'double', nullable: true })
  baseline?: number | null;

  @Property({ type: 'string', length: 100 })
  window!: string;

  @Property({ type: 'json', default: '{}' })
  evidence: Record<string, unknown> = {};

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  @Index({ name: 'alerts_opened_at_idx' })
  openedAt!: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  resolvedAt?: Date | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  deliveredAt?: Date | null;

  @Property({ type: 'integer', default: 0 })
  attempts: number = 0;

  /** When the webhook is tried next (null: nothing to deliver, delivered, or given up). */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  @Index({ name: 'alerts_next_attempt_at_idx' })
  nextAttemptAt?: Date | null;

  @Property({ type: 'text', nullable: true })
  lastError?: string | null;
}

/** The cool-down of each kind and subject: one atomic upsert decides which replica raises an alert. */
@Entity({ tableName: 'alert_cooldowns' })
export class AlertCooldown {
  @PrimaryKey({ type: 'string', length: 300 })
  dedupeKey!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  until!: Date;
}
