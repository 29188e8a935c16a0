import { Inject, Injectable } from '@nestjs/common';
import { GATEWAY_CONFIG } from '../config/config.module';
import type { GatewayConfig } from '../config/config.schema';
import { ConflictError, NotFoundError } from '../errors';
import { DiscoveredFrom } from './regression-test.entity';
import { categoryPage, type CategoryPageFilter } from '../common/category-page';
import { RegressionTestsRepository, type RegressionTestRecord } from './regression-tests.repository';
import type { RegressionResult, RegressionTestDto } from './regression-tests.schemas';
import { assertJsonSize } from '../tools/schema-helpers';

/** A test to store: as RegressionTestRecord, with metadata and replay optional. */
export interface NewRegressionTest extends Omit<RegressionTestRecord, 'metadata' | 'replay'> {
  metadata?: Record<string, unknown>;
  /** A redacted request snapshot that can be re-run safely. */
  replay?: Record<string, unknown> | null;
}

/** What the router knows when a request fails; such tests are discovered from a bug unless it says otherwise. */
export type FailureTest = Omit<NewRegressionTest, 'discoveredFrom'> & { discoveredFrom?: DiscoveredFrom };

export type RegressionTestFilter = CategoryPageFilter;

/** regression_tests: stored (never executed) test code, created by hand or from failures, with run results. */
@Injectable()
export class RegressionTestsService {
  constructor(
    private readonly tests: RegressionTestsRepository,
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
    return this.tests.list(categoryPage(filter));
  }

  async get(id: number): Promise<RegressionTestDto | undefined> {
    return this.tests.findById(id);
  }

  async getByName(testName: string): Promise<RegressionTestDto | undefined> {
    return this.tests.findByName(testName.trim());
  }

  /** How many tests are stored. */
  count(): Promise<number> {
    return this.tests.count();
  }

  /**
   * Records the outcome of a replay.
   * @throws NotFoundError for an unknown id.
   */
  async markRun(
    id: number,
    result: RegressionResult,
    at: Date = new Date(),
    error: string | null = null,
  ): Promise<RegressionTestDto> {
    const updated = await this.tests.recordRun(id, result, at, error);
    if (!updated) throw new NotFoundError(`regression test ${id} does not exist`);
    return updated;
  }

  private async insertIfAbsent(input: NewRegressionTest): Promise<RegressionTestDto | undefined> {
    const metadata = input.metadata ?? {};
    this.assertJsonSize('metadata', metadata);
    if (input.replay) this.assertJsonSize('replay', input.replay);
    return this.tests.insertIfNameFree({
      testName: input.testName.trim(),
      category: input.category.trim(),
      description: input.description,
      testCode: input.testCode,
      expectedBehavior: input.expectedBehavior,
      discoveredFrom: input.discoveredFrom,
      metadata,
      replay: input.replay ?? null,
    });
  }

  private assertJsonSize(path: string, value: unknown): void {
    assertJsonSize(path, value, this.config.security.maxJsonFieldBytes);
  }
}
