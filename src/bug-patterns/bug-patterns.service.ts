import { EntityManager, Knex } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database/database.service';
import { BugPattern, Severity, SEVERITIES } from './bug-pattern.entity';
import type { BugPatternDto } from './bug-patterns.schemas';
import { bugFingerprint } from './fingerprint';
import { queryRows } from '../database/query';

export interface RecordBugInput {
  category: string;
  pattern: string;
  description: string;
  solution?: string | null;
  severity: Severity;
}

export interface BugPatternFilter {
  category?: string;
  limit?: number;
  offset?: number;
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

/** bug_patterns: de-duplicated by fingerprint, counted by occurrence. */
@Injectable()
export class BugPatternsService {
  constructor(private readonly db: DatabaseService) {}

  async record(input: RecordBugInput): Promise<{ row: BugPatternDto; isNew: boolean }> {
    const category = input.category.trim();
    const params = [
      category,
      input.pattern,
      input.description,
      input.solution ?? null,
      input.severity,
      bugFingerprint(category, input.pattern),
    ];
    const em = this.db.fork();
    const [raw] = await queryRows(em, RECORD_SQL, params);
    const { inserted, ...columns } = raw;
    return { row: toBugPatternDto(em.map(BugPattern, columns)), isNew: inserted === true };
  }

  /** Most occurrences first, then most recently seen; the category matches case-insensitively. */
  async list(filter: BugPatternFilter = {}): Promise<{ items: BugPatternDto[]; total: number }> {
    const where = filter.category ? 'where lower(category) = lower(?)' : '';
    const params: Knex.Value[] = filter.category ? [filter.category.trim()] : [];
    const em = this.db.fork();
    const [{ total }] = await queryRows<{ total: number }>(
      em,
      `select count(*)::int as total from bug_patterns ${where}`,
      params,
    );
    const rows = await queryRows(
      em,
      `select * from bug_patterns ${where} order by occurrences desc, last_seen desc, id desc limit ? offset ?`,
      [...params, filter.limit ?? 100, filter.offset ?? 0],
    );
    return { items: rows.map((r) => toBugPatternDto(em.map(BugPattern, r))), total };
  }

  async findByFingerprint(fingerprint: string): Promise<BugPatternDto | undefined> {
    const em = this.db.fork();
    const [row] = await queryRows(em, 'select * from bug_patterns where fingerprint = ?', [fingerprint]);
    return row ? toBugPatternDto(em.map(BugPattern, row)) : undefined;
  }
}
export function toBugPatternDto(row: BugPattern): BugPatternDto {
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

/**
 * One statement with server-side bound parameters. MikroORM's execute() inlines values into the SQL text,
 * and the PGlite dialect then takes a ';' inside a value for a statement separator (and returns nested results).
 */
