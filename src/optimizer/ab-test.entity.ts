import { Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/core';

/** Routing strategies an A/B test can compare (see LearnedModelPolicy). */
export const STRATEGIES = ['learned', 'static', 'cheapest', 'greedy'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export const AB_TEST_STATUSES = ['running', 'finished', 'stopped'] as const;
export type AbTestStatus = (typeof AB_TEST_STATUSES)[number];

/** An A/B test between two routing strategies; the optimizer concludes it at statistical confidence. */
@Entity({ tableName: 'ab_tests' })
export class AbTest {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 100, unique: 'ab_tests_name_unique' })
  name!: string;

  @Property({ type: 'string', length: 20 })
  strategyA!: string;

  @Property({ type: 'string', length: 20 })
  strategyB!: string;

  /** Share of the matching traffic routed to strategy B (0-1). */
  @Property({ type: 'double' })
  split!: number;

  /** Only requests of this task type take part; null: every `auto` request no rule matched. */
  @Property({ type: 'string', length: 100, nullable: true })
  taskType?: string | null;

  @Enum({ items: () => AB_TEST_STATUSES, columnType: 'varchar(10)', default: 'running' })
  @Index({ name: 'ab_tests_status_idx' })
  status: AbTestStatus = 'running';

  /** Requests per side after which the test ends, with no winner when still not significant (null: no limit). */
  @Property({ type: 'integer', nullable: true })
  maxSample?: number | null;

  /** 'A' or 'B' once concluded with a winner. */
  @Property({ type: 'string', length: 1, nullable: true })
  winner?: string | null;

  /** The statistics the conclusion rests on. */
  @Property({ type: 'json', nullable: true })
  result?: Record<string, unknown> | null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  @Index({ name: 'ab_tests_started_at_idx' })
  startedAt!: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  finishedAt?: Date | null;
}
