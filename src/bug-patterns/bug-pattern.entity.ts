import { Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/core';

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

@Entity({ tableName: 'bug_patterns' })
export class BugPattern {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 100 })
  @Index({ name: 'bug_patterns_category_idx' })
  category!: string;

  @Property({ type: 'text' })
  pattern!: string;

  @Property({ type: 'text' })
  description!: string;

  @Property({ type: 'text', nullable: true })
  solution?: string | null;

  @Property({ type: 'integer', default: 1 })
  @Index({ name: 'bug_patterns_occurrences_idx' })
  occurrences: number = 1;

  @Enum({ items: () => SEVERITIES, columnType: 'varchar(10)' })
  @Index({ name: 'bug_patterns_severity_idx' })
  severity!: Severity;

  /** sha256 of category + normalized pattern: the dedupe key. */
  @Property({ type: 'string', length: 64, unique: 'bug_patterns_fingerprint_unique' })
  fingerprint!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz', onCreate: () => new Date() })
  firstSeen: Date = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', onCreate: () => new Date() })
  @Index({ name: 'bug_patterns_last_seen_idx' })
  lastSeen: Date = new Date();
}
