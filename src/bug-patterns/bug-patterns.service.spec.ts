import { DatabaseService } from '../database/database.service';
import { useTestDatabase } from '../../test/helpers/test-database';
import {
  getBugPatternsInput,
  getBugPatternsOutput,
  recordBugPatternInput,
  recordBugPatternOutput,
} from './bug-patterns.schemas';
import { BugPatternsRepository } from './bug-patterns.repository';
import { BugPatternsService } from './bug-patterns.service';
import { BugPatternsTools } from './bug-patterns.tools';
import { bugFingerprint } from './fingerprint';

describe('BugPatternsService', () => {
  let db: DatabaseService;
  let service: BugPatternsService;
  const database = useTestDatabase(['bug_patterns']);
  beforeAll(() => {
    db = database.db;
    service = new BugPatternsService(new BugPatternsRepository(db));
  });

  it('inserts a new pattern with its fingerprint', async () => {
    const { row, isNew } = await service.record({
      category: 'timeout',
      pattern: 'upstream timeout after 3000ms',
      description: 'slow',
      severity: 'medium',
    });
    expect(isNew).toBe(true);
    expect(row).toMatchObject({
      category: 'timeout',
      occurrences: 1,
      severity: 'medium',
      solution: null,
      fingerprint: bugFingerprint('timeout', 'upstream timeout after 3000ms'),
    });
    expect(row.firstSeen).toBe(row.lastSeen);
  });

  it('counts a repeat with different ids and numbers, keeping the highest severity', async () => {
    const first = await service.record({
      category: 'Timeout',
      pattern: 'timeout after 3000ms on req_abc123',
      description: 'one',
      solution: 'retry',
      severity: 'high',
    });
    const second = await service.record({
      category: 'timeout',
      pattern: 'Timeout after 12ms on req_zzz999',
      description: 'two',
      severity: 'low',
    });
    expect(second.isNew).toBe(false);
    expect(second.row).toMatchObject({
      id: first.row.id,
      occurrences: 2,
      severity: 'high',
      description: 'two',
      solution: 'retry',
      pattern: first.row.pattern,
      category: 'Timeout',
    });
    expect(Date.parse(second.row.lastSeen)).toBeGreaterThanOrEqual(Date.parse(first.row.lastSeen));
    expect(second.row.firstSeen).toBe(first.row.firstSeen);

    const third = await service.record({
      category: 'timeout',
      pattern: 'timeout after 1ms on req_q1w2e3',
      description: 'three',
      solution: 'raise the timeout',
      severity: 'critical',
    });
    expect(third.row).toMatchObject({ occurrences: 3, severity: 'critical', solution: 'raise the timeout' });
  });

  it('counts every one of many concurrent repeats', async () => {
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        service.record({
          category: 'reset',
          pattern: `connection reset by peer ${i}`,
          description: 'reset',
          severity: 'low',
        }),
      ),
    );
    expect(results.filter((r) => r.isNew)).toHaveLength(1);
    const { items } = await service.list({ category: 'reset' });
    expect(items).toHaveLength(1);
    expect(items[0].occurrences).toBe(30);
  });

  it('lists by occurrences then newest, filters by category case-insensitively, paginates', async () => {
    await service.record({ category: 'a', pattern: 'once', description: 'd', severity: 'low' });
    for (let i = 0; i < 3; i++)
      await service.record({ category: 'b', pattern: 'thrice', description: 'd', severity: 'low' });
    await service.record({ category: 'a', pattern: 'also once', description: 'd', severity: 'low' });
    await service.record({ category: 'a_b', pattern: 'underscore', description: 'd', severity: 'low' });

    const all = await service.list({});
    expect(all.items.map((b) => b.pattern)).toEqual(['thrice', 'underscore', 'also once', 'once']);
    expect(all.total).toBe(4);
    const page = await service.list({ limit: 2, offset: 1 });
    expect(page.items.map((b) => b.pattern)).toEqual(['underscore', 'also once']);
    expect(page.total).toBe(4);
    expect((await service.list({ category: 'A' })).items.map((b) => b.pattern)).toEqual(['also once', 'once']);
    // "_" is literal, not a wildcard
    expect((await service.list({ category: 'a_b' })).total).toBe(1);
    expect((await service.list({ category: 'aXb' })).total).toBe(0);
  });

  it('stores and filters values containing ; and quotes verbatim', async () => {
    const { row } = await service.record({
      category: "a;b'c",
      pattern: "select 1; drop table x; -- it's",
      description: 'd;e',
      severity: 'low',
    });
    expect(row).toMatchObject({ category: "a;b'c", pattern: "select 1; drop table x; -- it's", description: 'd;e' });
    expect((await service.list({ category: "A;B'C" })).items.map((b) => b.id)).toEqual([row.id]);
    expect(await service.findByFingerprint(row.fingerprint)).toEqual(row);
  });

  it('tools return output that satisfies their schemas', async () => {
    const tools = new BugPatternsTools(service);
    const recorded = await tools.recordBugPattern(
      recordBugPatternInput.parse({ category: 'x', pattern: 'p 1', description: 'd', severity: 'high' }),
    );
    expect(recordBugPatternOutput.parse(recorded)).toMatchObject({ isNew: true, occurrences: 1 });
    const listed = await tools.getBugPatterns(getBugPatternsInput.parse({ limit: 10 }));
    expect(getBugPatternsOutput.parse(listed).items).toHaveLength(1);
  });

  it('input schema refuses bad severity, empty and oversized fields', () => {
    const ok = { category: 'x', pattern: 'p', description: 'd', severity: 'low' };
    expect(recordBugPatternInput.safeParse(ok).success).toBe(true);
    expect(recordBugPatternInput.safeParse({ ...ok, severity: 'urgent' }).success).toBe(false);
    expect(recordBugPatternInput.safeParse({ ...ok, category: '  ' }).success).toBe(false);
    expect(recordBugPatternInput.safeParse({ ...ok, category: 'c'.repeat(101) }).success).toBe(false);
    expect(recordBugPatternInput.safeParse({ ...ok, pattern: 'p'.repeat(20_001) }).success).toBe(false);
  });
});
