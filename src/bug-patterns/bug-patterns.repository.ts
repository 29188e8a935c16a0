import type { Knex } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database/database.service';
import { queryRows } from '../database/query';
import { BugPattern, Severity, SEVERITIES } from './bug-pattern.entity';
import type { BugPatternDto } from './bug-patterns.schemas';

/** One occurrence of a failure, as stored. */
export interface BugOccurrence {
  category: string;
  pattern: string;
  description: string;
  solution: string | null;
  severity: Severity;
  fingerprint: string;
}

/** The newest bugs, for reports. */
export interface RecentBugRow {
  category: string;
  pattern: string;
  severity: string;
  occurrences: number;
  lastSeen: string;
}

const SEVERITY_ORDER = `array[${SEVERITIES.map((s) => `'${s}'`).join(', ')}]::text[]`;

/**
 * One statement, so concurrent reports of the same failure all count: the first inserts, the others
 * increment. Severity only ever rises; the first wording of the pattern is kept; a new description or
 * solution replaces the old one.
 */
const RECORD_SQL = `insert into bug_patterns (category, pattern, description, solution, occurrences, severity, fingerprint, first_seen, last_seen)
  values (?, ?, ?, ?, 1, ?, ?, now(), now())
  on conflict (fingerprint) do update set
    occurrences = bug_patterns.occurrences + 1,
    last_seen = now(),
    severity = case
      when array_position(${SEVERITY_ORDER}, excluded.severity::text) > array_position(${SEVERITY_ORDER}, bug_patterns.severity::text)
      then excluded.severity else bug_patterns.severity end,
    description = excluded.description,
    solution = coalesce(excluded.solution, bug_patterns.solution)
  returning *, (xmax = 0) as inserted`;

/** bug_patterns: one row per fingerprint, counted by occurrence. */
@Injectable()
export class BugPatternsRepository {
  constructor(private readonly db: DatabaseService) {}

  /** Inserts the pattern or counts one more occurrence of it, atomically; `isNew` tells which. */
  async recordOccurrence(bug: BugOccurrence): Promise<{ row: BugPatternDto; isNew: boolean }> {
    const params = [bug.category, bug.pattern, bug.description, bug.solution, bug.severity, bug.fingerprint];
    const em = this.db.fork();
    const [raw] = await queryRows(em, RECORD_SQL, params);
    const { inserted, ...columns } = raw;
    return { row: toBugPatternDto(em.map(BugPattern, columns)), isNew: inserted === true };
  }

  /** Most occurrences first, then most recently seen; the category matches case-insensitively. */
  async list(filter: {
    category?: string;
    limit: number;
    offset: number;
  }): Promise<{ items: BugPatternDto[]; total: number }> {
    const where = filter.category !== undefined ? 'where lower(category) = lower(?)' : '';
    const params: Knex.Value[] = filter.category !== undefined ? [filter.category] : [];
    const em = this.db.fork();
    const [{ total }] = await queryRows<{ total: number }>(
      em,
      `select count(*)::int as total from bug_patterns ${where}`,
      params,
    );
    const rows = await queryRows(
      em,
      `select * from bug_patterns ${where} order by occurrences desc, last_seen desc, id desc limit ? offset ?`,
      [...params, filter.limit, filter.offset],
    );
    return { items: rows.map((r) => toBugPatternDto(em.map(BugPattern, r))), total };
  }

  async findByFingerprint(fingerprint: string): Promise<BugPatternDto | undefined> {
    const em = this.db.fork();
    const [row] = await queryRows(em, 'select * from bug_patterns where fingerprint = ?', [fingerprint]);
    return row ? toBugPatternDto(em.map(BugPattern, row)) : undefined;
  }

  async count(): Promise<number> {
    const [{ n }] = await queryRows<{ n: number }>(this.db.fork(), 'select count(*)::int as n from bug_patterns');
    return Number(n);
  }

  /** The most recently seen patterns, newest first. */
  async recentlySeen(limit: number): Promise<RecentBugRow[]> {
    const rows = await queryRows<{
      category: string;
      pattern: string;
      severity: string;
      occurrences: number;
      last_seen: Date | string;
    }>(
      this.db.fork(),
      'select category, pattern, severity, occurrences, last_seen from bug_patterns order by last_seen desc, id desc limit ?',
      [limit],
    );
    return rows.map((b) => ({
      category: b.category,
      pattern: b.pattern,
      severity: b.severity,
      occurrences: Number(b.occurrences),
      lastSeen: new Date(b.last_seen).toISOString(),
    }));
  }
}

function toBugPatternDto(row: BugPattern): BugPatternDto {
  return {
    id: row.id,
    category: row.category,
    pattern: row.pattern,
    description: row.description,
    solution: row.solution ?? null,
    occurrences: row.occurrences,
    severity: row.severity,
    fingerprint: row.fingerprint,
    firstSeen: new Date(row.firstSeen).toISOString(),
    lastSeen: new Date(row.lastSeen).toISOString(),
  };
}
