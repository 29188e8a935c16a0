import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database/database.service';
import { queryRows } from '../database/query';

export interface NewAlert {
  kind: string;
  severity: string;
  subject: string;
  message: string;
  value: number | null;
  baseline: number | null;
  window: string;
  evidence: Record<string, unknown>;
}

export interface AlertRecord extends NewAlert {
  id: number;
  openedAt: Date;
  resolvedAt: Date | null;
  deliveredAt: Date | null;
  attempts: number;
  nextAttemptAt: Date | null;
  lastError: string | null;
}

interface AlertRow {
  id: number;
  kind: string;
  severity: string;
  subject: string;
  message: string;
  value: number | null;
  baseline: number | null;
  window: string;
  evidence: Record<string, unknown> | string;
  opened_at: Date | string;
  resolved_at: Date | string | null;
  delivered_at: Date | string | null;
  attempts: number;
  next_attempt_at: Date | string | null;
  last_error: string | null;
}

const COLUMNS =
  'id, kind, severity, subject, message, value, baseline, "window", evidence, opened_at, resolved_at, delivered_at, attempts, next_attempt_at, last_error';

/** alerts (events and their webhook delivery) and alert_cooldowns (who raises what, once, across replicas). */
@Injectable()
export class AlertsRepository {
  constructor(private readonly db: DatabaseService) {}

  /** Takes the cool-down of `key` until `until` unless it is running at `now`: true for the one caller that took it. */
  async claimCooldown(key: string, now: Date, until: Date): Promise<boolean> {
    const rows = await queryRows(
      this.db.fork(),
      `insert into alert_cooldowns (dedupe_key, until) values (?, ?)
       on conflict (dedupe_key) do update set until = excluded.until where alert_cooldowns.until <= ?
       returning dedupe_key`,
      [key, until, now],
    );
    return rows.length > 0;
  }

  async insert(alert: NewAlert, openedAt: Date, deliverAt: Date | null): Promise<number> {
    const rows = await queryRows<{ id: number }>(
      this.db.fork(),
      `insert into alerts (kind, severity, subject, message, value, baseline, "window", evidence, opened_at, attempts, next_attempt_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?) returning id`,
      [
        alert.kind,
        alert.severity,
        alert.subject,
        alert.message,
        alert.value,
        alert.baseline,
        alert.window,
        JSON.stringify(alert.evidence),
        openedAt,
        deliverAt,
      ],
    );
    return Number(rows[0].id);
  }

  /**
   * Alerts due for delivery at `now`, each leased to this caller until `leaseUntil` (skip locked: two
   * replicas never take the same one).
   */
  async claimDue(now: Date, leaseUntil: Date, limit: number): Promise<AlertRecord[]> {
    const rows = await queryRows<AlertRow>(
      this.db.fork(),
      `update alerts set next_attempt_at = ? where id in (
         select id from alerts where delivered_at is null and next_attempt_at is not null and next_attempt_at <= ?
         order by id limit ? for update skip locked)
       returning ${COLUMNS}`,
      [leaseUntil, now, limit],
    );
    return rows.map(toRecord);
  }

  async markDelivered(id: number, at: Date): Promise<void> {
    await queryRows(
      this.db.fork(),
      'update alerts set delivered_at = ?, attempts = attempts + 1, next_attempt_at = null, last_error = null where id = ?',
      [at, id],
    );
  }

  /** A failed delivery: tried again at `retryAt` (null: given up). */
  async markFailed(id: number, error: string, retryAt: Date | null): Promise<void> {
    await queryRows(
      this.db.fork(),
      'update alerts set attempts = attempts + 1, next_attempt_at = ?, last_error = ? where id = ?',
      [retryAt, error.slice(0, 500), id],
    );
  }

  async resolve(kind: string, subject: string, at: Date): Promise<number> {
    const rows = await queryRows(
      this.db.fork(),
      'update alerts set resolved_at = ? where kind = ? and subject = ? and resolved_at is null returning id',
      [at, kind, subject],
    );
    return rows.length;
  }

  /** Newest first. */
  async list(
    status: 'open' | 'resolved' | 'all',
    limit: number,
    offset: number,
  ): Promise<{ items: AlertRecord[]; total: number }> {
    const where =
      status === 'open' ? 'where resolved_at is null' : status === 'resolved' ? 'where resolved_at is not null' : '';
    const em = this.db.fork();
    const [rows, count] = await Promise.all([
      queryRows<AlertRow>(em, `select ${COLUMNS} from alerts ${where} order by id desc limit ? offset ?`, [
        limit,
        offset,
      ]),
      queryRows<{ n: number }>(this.db.fork(), `select count(*) as n from alerts ${where}`),
    ]);
    return { items: rows.map(toRecord), total: Number(count[0].n) };
  }
}

function date(v: Date | string | null): Date | null {
  return v === null ? null : new Date(v);
}

function toRecord(r: AlertRow): AlertRecord {
  return {
    id: Number(r.id),
    kind: r.kind,
    severity: r.severity,
    subject: r.subject,
    message: r.message,
    value: r.value === null ? null : Number(r.value),
    baseline: r.baseline === null ? null : Number(r.baseline),
    window: r.window,
    evidence: typeof r.evidence === 'string' ? (JSON.parse(r.evidence) as Record<string, unknown>) : r.evidence,
    openedAt: new Date(r.opened_at),
    resolvedAt: date(r.resolved_at),
    deliveredAt: date(r.delivered_at),
    attempts: Number(r.attempts),
    nextAttemptAt: date(r.next_attempt_at),
    lastError: r.last_error,
  };
}
