import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../../database/database.service';
import { queryRows } from '../../database/query';

export interface StoredLearnerState {
  version: number;
  snapshot: unknown;
}

/** learner_state: the learner's snapshot, saved with optimistic versions so that replicas never overwrite blindly. */
@Injectable()
export class LearnerStateRepository {
  constructor(private readonly db: DatabaseService) {}

  /** The saved state, if any. */
  async load(id: string): Promise<StoredLearnerState | undefined> {
    const rows = await queryRows<{ version: number; snapshot: unknown }>(
      this.db.fork(),
      `select version, snapshot from learner_state where id = ?`,
      [id],
    );
    if (!rows[0]) return undefined;
    const raw = rows[0].snapshot;
    const snapshot: unknown = typeof raw === 'string' ? (JSON.parse(raw) as unknown) : raw;
    return { version: Number(rows[0].version), snapshot };
  }

  /** The saved version only (cheap: replicas poll it). */
  async version(id: string): Promise<number | undefined> {
    const rows = await queryRows<{ version: number }>(
      this.db.fork(),
      `select version from learner_state where id = ?`,
      [id],
    );
    return rows[0] ? Number(rows[0].version) : undefined;
  }

  /**
   * Saves over `expected` (the version this replica last read or wrote; 0 when none was saved): the new
   * version, or undefined when another replica saved in between (nothing is written then).
   */
  async save(id: string, expected: number, snapshot: unknown): Promise<number | undefined> {
    const json = JSON.stringify(snapshot);
    const rows = await queryRows<{ version: number }>(
      this.db.fork(),
      `insert into learner_state (id, version, snapshot, updated_at) values (?, 1, ?::jsonb, now())
       on conflict (id) do update set version = learner_state.version + 1, snapshot = excluded.snapshot, updated_at = now()
       where learner_state.version = ?
       returning version`,
      [id, json, expected],
    );
    return rows[0] ? Number(rows[0].version) : undefined;
  }
}
