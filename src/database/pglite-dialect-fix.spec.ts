import { hasMultipleStatements } from './pglite-dialect-fix';
import { openTestDatabase } from '../../test/helpers/test-database';
import { BugPattern } from '../bug-patterns/bug-pattern.entity';

describe('hasMultipleStatements', () => {
  it.each([
    ['select 1', false],
    ['select 1;', false],
    ["select 'a;b'", false],
    ["select 'it''s; fine' as x;", false],
    ['select "we;ird" from t', false],
    ['select $$a;b$$', false],
    ['select $tag$a;b$tag$;', false],
    ['select 1 -- comment; here\n', false],
    ['select /* ; */ 1', false],
    ['select 1; select 2', true],
    ["create table a (x text); insert into a values ('b;c');", true],
  ])('%s -> %s', (sql, expected) => {
    expect(hasMultipleStatements(sql)).toBe(expected);
  });
});

describe('ORM queries with ";" in values', () => {
  it('find and flush behave on the real database', async () => {
    const { db, close } = await openTestDatabase();
    try {
      const em = db.fork();
      const row = em.create(BugPattern, {
        category: 'a;b',
        pattern: 'x; y',
        description: 'd;',
        severity: 'low',
        fingerprint: 'f'.repeat(64),
        occurrences: 1,
        firstSeen: new Date(),
        lastSeen: new Date(),
      });
      await em.flush();
      expect(row.id).toEqual(expect.any(Number));
      const found = await db.fork().find(BugPattern, { category: 'a;b' });
      expect(found).toHaveLength(1);
      expect(found[0].pattern).toBe('x; y');
    } finally {
      await close();
    }
  });
});
