import type { Knex } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database/database.service';
import { queryRows } from '../database/query';
import { DiscoveredFrom, RegressionTest } from './regression-test.entity';
import type { RegressionResult, RegressionTestDto } from './regression-tests.schemas';

/** A test as stored (names and categories already trimmed). */
export interface RegressionTestRecord {
  testName: string;
  category: string;
  description: string;
  testCode: string;
  expectedBehavior: string;
  discoveredFrom: DiscoveredFrom;
  metadata: Record<string, unknown>;
  replay: Record<string, unknown> | null;
}

/** Inserts only when the name is free; the unique constraint decides, so concurrent creators cannot both win. */
const INSERT_SQL = `insert into regression_tests (test_name, category, description, test_code, expected_behavior, discovered_from, metadata, replay, created_at, updated_at)
  values (?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, now(), now())
  on conflict (test_name) do nothing
  returning *`;

/** regression_tests: insert-if-absent by name, listing, lookups and run results. */
@Injectable()
export class RegressionTestsRepository {
  constructor(private readonly db: DatabaseService) {}

  /** The new row, or undefined when a test of that name exists (nothing changes then). */
  async insertIfNameFree(test: RegressionTestRecord): Promise<RegressionTestDto | undefined> {
    const params = [
      test.testName,
      test.category,
      test.description,
      test.testCode,
      test.expectedBehavior,
      test.discoveredFrom,
      JSON.stringify(test.metadata),
      test.replay ? JSON.stringify(test.replay) : null,
    ];
    const em = this.db.fork();
    const rows = await queryRows(em, INSERT_SQL, params);
    return rows.length === 0 ? undefined : toRegressionTestDto(em.map(RegressionTest, rows[0]));
  }

  /** Newest first; the category matches case-insensitively. */
  async list(filter: {
    category?: string;
    limit: number;
    offset: number;
  }): Promise<{ items: RegressionTestDto[]; total: number }> {
    const where = filter.category !== undefined ? 'where lower(category) = lower(?)' : '';
    const params: Knex.Value[] = filter.category !== undefined ? [filter.category] : [];
    const em = this.db.fork();
    const [{ total }] = await queryRows<{ total: number }>(
      em,
      `select count(*)::int as total from regression_tests ${where}`,
      params,
    );
    const rows = await queryRows(
      em,
      `select * from regression_tests ${where} order by created_at desc, id desc limit ? offset ?`,
      [...params, filter.limit, filter.offset],
    );
    return { items: rows.map((r) => toRegressionTestDto(em.map(RegressionTest, r))), total };
  }

  findById(id: number): Promise<RegressionTestDto | undefined> {
    return this.findOne('id = ?', id);
  }

  findByName(testName: string): Promise<RegressionTestDto | undefined> {
    return this.findOne('test_name = ?', testName);
  }

  /** Stores the outcome of a replay; undefined for an unknown id. */
  async recordRun(
    id: number,
    result: RegressionResult,
    at: Date,
    error: string | null = null,
  ): Promise<RegressionTestDto | undefined> {
    const em = this.db.fork();
    const rows = await queryRows(
      em,
      'update regression_tests set last_run_at = ?, last_result = ?, last_error = ?, updated_at = now() where id = ? returning *',
      [at, result, error === null ? null : error.slice(0, 2000), id],
    );
    return rows.length === 0 ? undefined : toRegressionTestDto(em.map(RegressionTest, rows[0]));
  }

  async count(): Promise<number> {
    const [{ n }] = await queryRows<{ n: number }>(this.db.fork(), 'select count(*)::int as n from regression_tests');
    return Number(n);
  }

  private async findOne(condition: string, value: Knex.Value): Promise<RegressionTestDto | undefined> {
    const em = this.db.fork();
    const [row] = await queryRows(em, `select * from regression_tests where ${condition}`, [value]);
    return row ? toRegressionTestDto(em.map(RegressionTest, row)) : undefined;
  }
}

function toRegressionTestDto(row: RegressionTest): RegressionTestDto {
  return {
    id: row.id,
    testName: row.testName,
    category: row.category,
    description: row.description,
    testCode: row.testCode,
    expectedBehavior: row.expectedBehavior,
    discoveredFrom: row.discoveredFrom,
    metadata: row.metadata ?? {},
    replay: row.replay ?? null,
    lastRunAt: row.lastRunAt ? new Date(row.lastRunAt).toISOString() : null,
    lastResult: row.lastResult ?? null,
    lastError: row.lastError ?? null,
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}
