import { Injectable } from '@nestjs/common';
import { Tool } from '../tools/tool.decorator';
import {
  BugPatternDto,
  getBugPatternsInput,
  GetBugPatternsInput,
  getBugPatternsOutput,
  GetBugPatternsOutput,
  recordBugPatternInput,
  RecordBugPatternInput,
  recordBugPatternOutput,
  RecordBugPatternOutput,
} from './bug-patterns.schemas';
import { BugPatternsService } from './bug-patterns.service';

function describeBug(b: BugPatternDto): string {
  return `#${b.id} [${b.severity}] ${b.category}: ${b.pattern} (x${b.occurrences}, last seen ${b.lastSeen})`;
}

/** Tool declarations for bug patterns; the logic lives in BugPatternsService. */
@Injectable()
export class BugPatternsTools {
  constructor(private readonly bugs: BugPatternsService) {}

  @Tool({
    name: 'record_bug_pattern',
    description:
      'Record a failure pattern. Repeats of the same category and normalized pattern (ids, numbers and spacing ignored) ' +
      'increase its occurrence count and keep the highest severity.',
    input: recordBugPatternInput,
    output: recordBugPatternOutput,
    text: (r) => `${r.isNew ? 'Recorded new' : 'Counted repeat of'} bug pattern ${describeBug(r)}`,
  })
  async recordBugPattern(input: RecordBugPatternInput): Promise<RecordBugPatternOutput> {
    const { row, isNew } = await this.bugs.record(input);
    return { ...row, isNew };
  }

  @Tool({
    name: 'get_bug_patterns',
    description:
      'List recorded bug patterns, most frequent first (then most recently seen), optionally for one category.',
    input: getBugPatternsInput,
    output: getBugPatternsOutput,
    readOnly: true,
    text: (r) =>
      r.items.length === 0
        ? 'No bug patterns.'
        : [`${r.total} bug pattern(s):`, ...r.items.map(describeBug)].join('\n'),
  })
  async getBugPatterns(input: GetBugPatternsInput): Promise<GetBugPatternsOutput> {
    return this.bugs.list(input);
  }
}
