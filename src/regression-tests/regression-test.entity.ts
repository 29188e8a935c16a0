import { Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/core';

export const DISCOVERED_FROM = ['bug', 'pattern', 'user-feedback'] as const;
export type DiscoveredFrom = (typeof DISCOVERED_FROM)[number];

@Entity({ tableName: 'regression_tests' })
export class RegressionTest {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 255, unique: 'regression_tests_test_name_unique' })
  testName!: string;

  @Property({ type: 'string', length: 100 })
  @Index({ name: 'regression_tests_category_idx' })
  category!: string;

  @Property({ type: 'text' })
  description!: string;

  /** Stored as text; the server never executes it. */
  @Property({ type: 'text' })
  testCode!: string;

  @Property({ type: 'text' })
  expectedBehavior!: string;

  @Enum({ items: () => DISCOVERED_FROM, columnType: 'varchar(20)' })
  @Index({ name: 'regression_tests_discovered_from_idx' })
  discoveredFrom!: DiscoveredFrom;

  @Property({ type: 'json', default: '{}' })
  metadata: Record<string, unknown> = {};

  /** A redacted request snapshot that can be re-run safely. */
  @Property({ type: 'json', nullable: true })
  replay?: Record<string, unknown> | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  lastRunAt?: Date | null;

  @Property({ type: 'string', length: 20, nullable: true })
  lastResult?: string | null;

  /** Why the last replay failed or was skipped (null when it passed). */
  @Property({ type: 'text', nullable: true })
  lastError?: string | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', onCreate: () => new Date() })
  @Index({ name: 'regression_tests_created_at_idx' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', onCreate: () => new Date(), onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
