import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createTestDatabase, TestDatabase } from './helpers/test-database';
import { listeningUrl, spawnEntry } from './helpers/process';

/** The database for the spawned processes: this suite's Postgres database, or a PGlite directory. */
function databaseEnv(tdb: TestDatabase, dataDir: string): Record<string, string> {
  return tdb.target.url ? { DATABASE_URL: tdb.target.url } : { DATA_DIR: dataDir };
}

describe('npm run export-tests (npm run build first)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'export-tests-'));
  let tdb: TestDatabase;
  let env: Record<string, string>;

  beforeAll(async () => {
    tdb = await createTestDatabase();
    env = databaseEnv(tdb, join(tmp, 'data'));
    // Tests are written as a user would, through the running gateway's tool door.
    const gateway = spawnEntry('main', [], { ...env, PORT: '0' });
    try {
      const url = await listeningUrl(gateway);
      for (const [testName, category] of [
        ['first found', 'routing'],
        ['second found', 'parsing'],
        ['third found', 'routing'],
      ]) {
        await request(url)
          .post('/tools/generate_regression_test')
          .send({
            testName,
            category,
            description: `${testName}: a description`,
            testCode: `expect(route("${testName}")).toBe("deep");`,
            expectedBehavior: 'routes to deep',
            discoveredFrom: 'bug',
          })
          .expect(200);
      }
    } finally {
      gateway.child.kill('SIGTERM');
      await gateway.exited;
    }
  }, 60000);
  afterAll(async () => {
    await tdb.drop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('writes every stored test as JSON on stdout, oldest first, and only JSON', async () => {
    const proc = spawnEntry('cli', ['export-tests'], env);
    expect((await proc.exited).code).toBe(0);
    const exported = JSON.parse(proc.stdout());
    expect(exported).toMatchObject({ count: 3, category: null, exportedAt: expect.any(String) });
    expect(exported.tests.map((t: { testName: string }) => t.testName)).toEqual([
      'first found',
      'second found',
      'third found',
    ]);
    expect(exported.tests[0]).toMatchObject({
      category: 'routing',
      testCode: 'expect(route("first found")).toBe("deep");',
      expectedBehavior: 'routes to deep',
      discoveredFrom: 'bug',
    });
  }, 60000);

  it('--out FILE --category C writes the matching tests to the file and says so on stderr', async () => {
    const file = join(tmp, 'routing.json');
    const proc = spawnEntry('cli', ['export-tests', '--out', file, '--category', 'ROUTING'], env);
    expect((await proc.exited).code).toBe(0);
    expect(proc.stdout()).toBe('');
    expect(proc.stderr()).toContain(`exported 2 regression test(s) to ${file}`);
    const exported = JSON.parse(readFileSync(file, 'utf8'));
    expect(exported).toMatchObject({ count: 2, category: 'ROUTING' });
    expect(exported.tests.map((t: { testName: string }) => t.testName)).toEqual(['first found', 'third found']);
  }, 60000);

  it('an unknown option is a usage error (exit 2) and opens nothing', async () => {
    const proc = spawnEntry('cli', ['export-tests', '--format', 'yaml'], { DATA_DIR: join(tmp, 'never') });
    expect((await proc.exited).code).toBe(2);
    expect(proc.stderr()).toContain('usage: npm run export-tests -- [--out FILE] [--category C]');
  });
});
