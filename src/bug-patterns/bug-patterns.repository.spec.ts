import { useTestDatabase } from '../../test/helpers/test-database';
import { BugOccurrence, BugPatternsRepository } from './bug-patterns.repository';

const occurrence = (fingerprint: string, o: Partial<BugOccurrence> = {}): BugOccurrence => ({
  category: 'timeout',
  pattern: `pattern ${fingerprint}`,
  description: 'd',
  solution: null,
  severity: 'medium',
  fingerprint: fingerprint.padEnd(64, '0'),
  ...o,
});

describe('BugPatternsRepository', () => {
  let repo: BugPatternsRepository;
  const database = useTestDatabase(['bug_patterns']);
  beforeAll(() => {
    repo = new BugPatternsRepository(database.db);
  });

  it('counts concurrent occurrences of one fingerprint exactly, one insert among them', async () => {
    const results = await Promise.all(Array.from({ length: 25 }, () => repo.recordOccurrence(occurrence('a'))));
    expect(results.filter((r) => r.isNew)).toHaveLength(1);
    expect((await repo.findByFingerprint('a'.padEnd(64, '0')))?.occurrences).toBe(25);
    expect(await repo.count()).toBe(1);
  });

  it('only raises severity, keeps the first pattern wording and an earlier solution', async () => {
    await repo.recordOccurrence(occurrence('b', { severity: 'critical', solution: 'restart' }));
    const { row } = await repo.recordOccurrence(
      occurrence('b', { severity: 'low', pattern: 'reworded', description: 'newer' }),
    );
    expect(row).toMatchObject({
      severity: 'critical',
      pattern: 'pattern b',
      description: 'newer',
      solution: 'restart',
      occurrences: 2,
    });
  });

  it('lists by occurrences, filters by category case-insensitively, pages, and gives the recently seen', async () => {
    await repo.recordOccurrence(occurrence('x', { category: 'Auth' }));
    await repo.recordOccurrence(occurrence('y'));
    await repo.recordOccurrence(occurrence('y'));
    await repo.recordOccurrence(occurrence('z'));
    const all = await repo.list({ limit: 10, offset: 0 });
    expect(all.total).toBe(3);
    expect(all.items[0].fingerprint.startsWith('y')).toBe(true);
    expect((await repo.list({ category: 'auth', limit: 10, offset: 0 })).items.map((b) => b.category)).toEqual([
      'Auth',
    ]);
    expect((await repo.list({ limit: 1, offset: 2 })).items).toHaveLength(1);
    const recent = await repo.recentlySeen(2);
    expect(recent.map((b) => b.pattern)).toEqual(['pattern z', 'pattern y']);
    expect(recent[0]).toEqual({
      category: 'timeout',
      pattern: 'pattern z',
      severity: 'medium',
      occurrences: 1,
      lastSeen: expect.any(String),
    });
    expect(await repo.findByFingerprint('nope')).toBeUndefined();
  });
});
