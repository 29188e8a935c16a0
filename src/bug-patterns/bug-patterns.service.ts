import { Injectable } from '@nestjs/common';
import { Severity } from './bug-pattern.entity';
import { BugPatternsRepository, RecentBugRow } from './bug-patterns.repository';
import type { BugPatternDto } from './bug-patterns.schemas';
import { bugFingerprint } from './fingerprint';
import { categoryPage, type CategoryPageFilter } from '../common/category-page';

export interface RecordBugInput {
  category: string;
  pattern: string;
  description: string;
  solution?: string | null;
  severity: Severity;
}

export type BugPatternFilter = CategoryPageFilter;

export type { RecentBugRow };

/** bug_patterns: de-duplicated by fingerprint (category + normalized pattern), counted by occurrence. */
@Injectable()
export class BugPatternsService {
  constructor(private readonly patterns: BugPatternsRepository) {}

  /** Records one occurrence: a new fingerprint inserts (`isNew`), a known one counts one more. */
  async record(input: RecordBugInput): Promise<{ row: BugPatternDto; isNew: boolean }> {
    const category = input.category.trim();
    return this.patterns.recordOccurrence({
      category,
      pattern: input.pattern,
      description: input.description,
      solution: input.solution ?? null,
      severity: input.severity,
      fingerprint: bugFingerprint(category, input.pattern),
    });
  }

  /** Most occurrences first, then most recently seen; the category matches case-insensitively. */
  async list(filter: BugPatternFilter = {}): Promise<{ items: BugPatternDto[]; total: number }> {
    return this.patterns.list(categoryPage(filter));
  }

  async findByFingerprint(fingerprint: string): Promise<BugPatternDto | undefined> {
    return this.patterns.findByFingerprint(fingerprint);
  }

  /** How many distinct patterns are recorded. */
  count(): Promise<number> {
    return this.patterns.count();
  }

  /** The `limit` most recently seen patterns, newest first. */
  recentlySeen(limit: number): Promise<RecentBugRow[]> {
    return this.patterns.recentlySeen(limit);
  }
}
