import { EntityManager, Knex } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { GATEWAY_CONFIG } from '../config/config.module';
import type { GatewayConfig } from '../config/config.schema';
import { DatabaseService } from '../database/database.service';
import { ConflictError, NotFoundError } from '../errors';
import { DiscoveredFrom, RegressionTest } from './regression-test.entity';
import type { RegressionResult, RegressionTestDto } from './regression-tests.schemas';
import { queryRows } from '../database/query';
import { assertJsonSize } from '../tools/schema-helpers';

export interface NewRegressionTest {
  testName: string;
  category: string;
  description: string;
  testCode: string;
  expectedBehavior: string;
  discoveredFrom: DiscoveredFrom;
  metadata?: Record<string, unknown>;
  /** A redacted request snapshot that can be re-run safely. */
  replay?: Record<string, unknown> | null;
}

/** What the router knows when a request fails; such tests are discovered from a bug unless it says otherwise. */
export type FailureTest = Omit<NewRegressionTest, 'discoveredFrom'> & { discoveredFrom?: DiscoveredFrom };

export interface RegressionTestFilter {
  category?: string;
  limit?: number;
  offset?: number;
}

/** Inserts only when the name is free; the unique constraint decides, so concurrent creators cannot both win. */
const INSERT_SQL = `insert into regression_tests (test_name, category, description, test_code, expected_behavior, discovered_from, metadata, replay, created_at, updated_at)
  values (?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, now(), now())
  on conflict (test_name) do nothing
  returning *`;

/** regression_tests: stored (never executed) test code, created by hand or from failures, with run results. */
@Injectable()
export class RegressionTestsService {
  constructor(
    private readonly db: DatabaseService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /**
   * Stores a new test.
   * @throws ConflictError (field `testName`) when the name is taken; nothing changes then
   * @throws InvalidInputError (field `metadata` or `replay`) when a JSON field is over security.maxJsonFieldBytes
   */
  async create(input: NewRegressionTest): Promise<RegressionTestDto> {
    const created = await this.insertIfAbsent(input);
    if (!created)
      throw new ConflictError(`a regression test named "${input.testName.trim()}" already exists`, {
        issues: [{ path: 'testName', message: 'already exists' }],
      });
    return created;
  }

  /** Insert-if-absent for the router: a repeat of a known failure returns the existing test. */
  async createFromFailure(input: FailureTest): Promise<{ created: boolean; test: RegressionTestDto }> {
    const created = await this.insertIfAbsent({ ...input, discoveredFrom: input.discoveredFrom ?? 'bug' });
    if (created) return { created: true, test: created };
    const existing = await this.getByName(input.testName);
    if (!existing) throw new Error(`regression test "${input.testName}" was neither inserted nor found`);
    return { created: false, test: existing };
  }

  /** Newest first; the category matches case-insensitively. */
  async list(filter: RegressionTestFilter = {}): Promise<{ items: RegressionTestDto[]; total: number }> {
    const where = filter.category ? 'where lower(category) = lower(?)' : '';
    const params: Knex.Value[] = filter.category ? [filter.category.trim()] : [];
    const em = this.db.fork();
    const [{ total }] = await queryRows<{ total: number }>(
      em,
      `select count(*)::int as total from regression_tests ${where}`,
      params,
    );
    const rows = await queryRows(
      em,
      `select * from regression_tests ${where} order by created_at desc, id desc limit ? offset ?`,
      [...params, filter.limit ?? 100, filter.offset ?? 0],
    );
    return { items: rows.map((r) => toRegressionTestDto(em.map(RegressionTest, r))), total };
  }

  async get(id: number): Promise<RegressionTestDto | undefined> {
    return this.findOne('id = ?', id);
  }

  async getByName(testName: string): Promise<RegressionTestDto | undefined> {
    return this.findOne('test_name = ?', testName.trim());
  }

  /**
   * Records the outcome of a replay.
   * @throws NotFoundError for an unknown id
   */
  async markRun(id: number, result: RegressionResult, at: Date = new Date()): Promise<RegressionTestDto> {
    const em = this.db.fork();
    const rows = await queryRows(
      em,
      'update regression_tests set last_run_at = ?, last_result = ?, updated_at = now() where id = ? returning *',
      [at, result, id],
    );
    if (rows.length === 0) throw new NotFoundError(`regression test ${id} does not exist`);
    return toRegressionTestDto(em.map(RegressionTest, rows[0]));
  }

  private async insertIfAbsent(input: NewRegressionTest): Promise<RegressionTestDto | undefined> {
    const metadata = input.metadata ?? {};
    this.assertJsonSize('metadata', metadata);
    if (input.replay) this.assertJsonSize('replay', input.replay);
    const params = [
      input.testName.trim(),
      input.category.trim(),
      input.description,
      input.testCode,
      input.expectedBehavior,
      input.discoveredFrom,
      JSON.stringify(metadata),
      input.replay ? JSON.stringify(input.replay) : null,
    ];
    const em = this.db.fork();
    const rows = await queryRows(em, INSERT_SQL, params);
    return rows.length === 0 ? undefined : toRegressionTestDto(em.map(RegressionTest, rows[0]));
  }

  private async findOne(condition: string, value: Knex.Value): Promise<RegressionTestDto | undefined> {
    const em = this.db.fork();
    const [row] = await queryRows(em, `select * from regression_tests where ${condition}`, [value]);
    return row ? toRegressionTestDto(em.map(RegressionTest, row)) : undefined;
  }

  private assertJsonSize(path: string, value: unknown): void {
    assertJsonSize(path, value, this.config.security.maxJsonFieldBytes);
  }
}

export function toRegressionTestDto(row: RegressionTest): RegressionTestDto {
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
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}

/**
 * One statement with server-side bound parameters. MikroORM's execute() inlines values into the SQL text,
 * and the PGlite dialect then takes a ';' inside a value for a statement separator (and returns nested results).
 */
