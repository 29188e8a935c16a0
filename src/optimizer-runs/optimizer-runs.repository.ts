import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database/database.service';
import { ormSession, SqlSession } from '../database/query';
import type { OptimizerTrigger } from './optimizer-run.entity';

/** One optimizer_runs row. */
export interface OptimizerRunRecord {
  id: number;
  trigger: string;
  tick: string | null;
  startedAt: string;
  /** null while the run is going (or when it died). */
  finishedAt: string | null;
  changes: unknown[];
}

/** optimizer_runs: the audit row of each run, one per cron tick. */
@Injectable()
export class OptimizerRunsRepository {
  private readonly orm: SqlSession;

  constructor(db: DatabaseService) {
    this.orm = ormSession(() => db.fork());
  }

  /** Inserts the row of a run starting now; undefined when `tick` already has one. */
  async insertStarted(trigger: OptimizerTrigger, tick: string | null, session = this.orm): Promise<number | undefined> {
    const rows = await session.rows<{ id: number }>(
      `insert into optimizer_runs (started_at, trigger, dry_run, changes, tick) values (now(), ?, false, '[]'::jsonb, ?)
       on conflict (tick) do nothing returning id`,
      [trigger, tick],
    );
    return rows.length === 0 ? undefined : Number(rows[0].id);
  }

  async markFinished(id: number, changes: readonly unknown[], session = this.orm): Promise<void> {
    // clock_timestamp(), not now(): on Postgres the run is written inside the transaction that elected it,
    // where now() is still the start time.
    await session.rows('update optimizer_runs set finished_at = clock_timestamp(), changes = ?::jsonb where id = ?', [
      JSON.stringify(changes),
      id,
    ]);
  }

  async findById(id: number): Promise<OptimizerRunRecord | null> {
    const rows = await this.orm.rows('select * from optimizer_runs where id = ?', [id]);
    return rows.length === 0 ? null : toRecord(rows[0]);
  }

  /** Replaces the audit of a finished run's changes (a rollback notes itself on each change). */
  async updateChanges(id: number, changes: readonly unknown[]): Promise<void> {
    await this.orm.rows('update optimizer_runs set changes = ?::jsonb where id = ?', [JSON.stringify(changes), id]);
  }

  /** The run that started last. */
  async latest(): Promise<OptimizerRunRecord | null> {
    const rows = await this.orm.rows('select * from optimizer_runs order by started_at desc, id desc limit 1');
    return rows.length === 0 ? null : toRecord(rows[0]);
  }

  /** Newest (highest id) first. */
  async list(limit: number): Promise<OptimizerRunRecord[]> {
    const rows = await this.orm.rows('select * from optimizer_runs order by id desc limit ?', [limit]);
    return rows.map(toRecord);
  }
}

function toRecord(r: Record<string, unknown>): OptimizerRunRecord {
  const changes = typeof r.changes === 'string' ? (JSON.parse(r.changes) as unknown) : r.changes;
  return {
    id: Number(r.id),
    trigger: String(r.trigger),
    tick: (r.tick as string | null) ?? null,
    startedAt: new Date(r.started_at as string).toISOString(),
    finishedAt: r.finished_at ? new Date(r.finished_at as string).toISOString() : null,
    changes: Array.isArray(changes) ? changes : [],
  };
}
