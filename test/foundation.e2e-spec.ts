import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DatabaseService } from '../src/database/database.service';
import { MIGRATIONS } from '../src/database/migrations';
import { createTestDatabase, ON_POSTGRES } from './helpers/test-database';
import { startTestGateway, TestGateway } from './helpers/test-gateway';
import { listeningUrl, spawnEntry, waitFor } from './helpers/process';

const TABLES = [
  'regression_tests',
  'routing_rules',
  'bug_patterns',
  'performance_metrics',
  'model_performance',
  'request_log',
  'optimizer_runs',
  'api_keys',
];

describe('foundation: app, health, schema', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(async () => {
    await gw.stop();
  });

  it('GET /health answers 200 with the database kind, version and uptime', async () => {
    const res = await request(gw.url).get('/health').expect(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      database: ON_POSTGRES ? 'postgres' : 'pglite',
      databaseReachable: true,
      version: '0.1.0',
    });
    expect(typeof res.body.uptime).toBe('number');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('makes its own request id, and echoes a sane client request id beside it (an unsafe one is ignored)', async () => {
    const sane = await request(gw.url).get('/health').set('x-request-id', 'abc-123');
    expect(sane.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(sane.headers['x-client-request-id']).toBe('abc-123');
    const unsafe = await request(gw.url).get('/health').set('x-request-id', 'x'.repeat(100));
    expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(unsafe.headers['x-client-request-id']).toBeUndefined();
  });

  it('has every table of SPEC section 3, and the entities match the migrated schema exactly', async () => {
    const rows = await gw.db
      .fork()
      .getConnection()
      .execute<{ table_name: string }[]>(
        `select table_name from information_schema.tables where table_schema = 'public'`,
      );
    expect(rows.map((r) => r.table_name)).toEqual(expect.arrayContaining(TABLES));
    const diff = await gw.db.orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false });
    expect(diff.trim()).toBe('');
  });

  it('has the unique constraints and indexes SPEC section 3 names', async () => {
    const uniques = await gw.db
      .fork()
      .getConnection()
      .execute<{ conname: string }[]>(`select conname from pg_constraint where contype = 'u'`);
    expect(uniques.map((u) => u.conname)).toEqual(
      expect.arrayContaining([
        'regression_tests_test_name_unique',
        'routing_rules_pattern_unique',
        'bug_patterns_fingerprint_unique',
        'model_performance_model_task_unique',
        'api_keys_key_hash_unique',
      ]),
    );
    const indexes = await gw.db
      .fork()
      .getConnection()
      .execute<{ indexname: string }[]>(`select indexname from pg_indexes where schemaname = 'public'`);
    expect(indexes.map((i) => i.indexname)).toEqual(
      expect.arrayContaining([
        'routing_rules_active_priority_idx',
        'bug_patterns_category_idx',
        'regression_tests_category_idx',
        'request_log_ts_idx',
        'performance_metrics_name_recorded_idx',
      ]),
    );
  });

  it('a second migration run applies nothing', async () => {
    expect(await gw.db.migrate()).toEqual({ applied: [] });
    expect(await gw.db.pendingMigrations()).toEqual([]);
  });

  it('answers 413 for a body over the limit and 400 for malformed JSON, without a 500', async () => {
    const big = JSON.stringify({ x: 'a'.repeat(1_100_000) });
    await request(gw.url).post('/tools/record_metric').set('content-type', 'application/json').send(big).expect(413);
    const bad = await request(gw.url)
      .post('/tools/record_metric')
      .set('content-type', 'application/json')
      .send('{"name":');
    expect(bad.status).toBe(400);
  });
});

(ON_POSTGRES ? describe : describe.skip)('foundation on Postgres', () => {
  it('two instances migrating one empty database at once do not race', async () => {
    const tdb = await createTestDatabase();
    const [a, b] = await Promise.all([DatabaseService.connect(tdb.target), DatabaseService.connect(tdb.target)]);
    try {
      const results = await Promise.all([a.migrate(), b.migrate()]);
      expect(results.map((r) => r.applied.length).sort()).toEqual([0, MIGRATIONS.length]);
    } finally {
      await a.close();
      await b.close();
      await tdb.drop();
    }
  });
});

describe('foundation: the real process', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'gw-e2e-'));

  it('keeps data across a restart and stops within 10 s on SIGTERM under requests, exit 0', async () => {
    const dataDir = join(tmp, 'persist');
    const first = spawnEntry('main', [], { DATA_DIR: dataDir, PORT: '0' });
    const url = await listeningUrl(first);
    await request(url).post('/tools/record_metric').send({ name: 'restart_probe', value: 7, unit: 'count' });
    // Requests in flight when the signal lands.
    const load = Array.from({ length: 40 }, () =>
      request(url)
        .get('/health')
        .then((r) => r.status)
        .catch(() => 0),
    );
    first.child.kill('SIGTERM');
    const stopped = await first.exited;
    await Promise.all(load);
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(10000 + 20000);

    const second = spawnEntry('main', [], { DATA_DIR: dataDir, PORT: '0' });
    const url2 = await listeningUrl(second);
    const health = await request(url2).get('/health').expect(200);
    expect(health.body.database).toBe('pglite');
    const metrics = await request(url2).post('/tools/analyze_metrics').send({ includeReport: false });
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
    expect(metrics.status === 200 || metrics.status === 404).toBe(true);
  }, 90000);

  it('SIGTERM during start exits 0 within 10 s and leaves the data directory usable', async () => {
    const dataDir = join(tmp, 'early-stop');
    // An existing store, as on every start but the first: creating a new PGlite cluster is one long
    // synchronous WASM step (seconds on a loaded machine) that no timer can interrupt.
    expect((await spawnEntry('cli', ['migrate'], { DATA_DIR: dataDir }).exited).code).toBe(0);
    const proc = spawnEntry('main', [], { DATA_DIR: dataDir, PORT: '0' });
    await waitFor(() => (proc.stdout().includes('"msg":"starting"') ? true : undefined), 20000, 'the start to begin');
    const signalled = Date.now();
    proc.child.kill('SIGTERM');
    const result = await proc.exited;
    expect(result.code).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(10000);
    const again = spawnEntry('main', [], { DATA_DIR: dataDir, PORT: '0' });
    const url = await listeningUrl(again);
    await request(url).get('/health').expect(200);
    again.child.kill('SIGTERM');
    expect((await again.exited).code).toBe(0);
  }, 90000);

  it('refuses a second process on the same data directory, naming the holder', async () => {
    const dataDir = join(tmp, 'locked');
    const holder = spawnEntry('main', [], { DATA_DIR: dataDir, PORT: '0' });
    const url = await listeningUrl(holder);
    const second = spawnEntry('main', [], { DATA_DIR: dataDir, PORT: '0' });
    const result = await second.exited;
    holder.child.kill('SIGTERM');
    await holder.exited;
    expect(result.code).toBe(1);
    expect(second.stderr()).toContain(`in use by process ${holder.child.pid}`);
    expect(second.stderr()).toContain(url);
  }, 60000);

  const badConfigs: Array<[string, string, RegExp]> = [
    ['malformed YAML', 'server:\n  host: [unclosed\n', /malformed YAML/],
    ['an unknown key', 'server:\n  hots: 127.0.0.1\n', /at server: unknown key "hots"/],
    ['a wrong type', 'routing:\n  maxRetries: lots\n', /at routing\.maxRetries: .*expected number/i],
    [
      'a model naming a missing provider',
      'models:\n  - id: m\n    provider: ghost\n    layer: fast\n    price: { input: 1, output: 1 }\n',
      /at models\[0\]\.provider: .*"ghost"/,
    ],
  ];
  it.each(badConfigs)(
    'exits 1 with one line naming the key for %s, writing nothing',
    async (_name, yaml, reason) => {
      const cfg = join(tmp, `bad-${Math.random().toString(36).slice(2)}.yaml`);
      writeFileSync(cfg, yaml);
      const dataDir = join(tmp, `never-${Math.random().toString(36).slice(2)}`);
      const proc = spawnEntry('main', [], { GATEWAY_CONFIG: cfg, DATA_DIR: dataDir, PORT: '0' });
      const result = await proc.exited;
      expect(result.code).toBe(1);
      const lines = proc.stderr().trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(cfg);
      expect(lines[0]).toMatch(reason);
      expect(existsSync(dataDir)).toBe(false);
    },
    30000,
  );

  it('an unreachable DATABASE_URL ends the start within 10 s with a clear line', async () => {
    const proc = spawnEntry('main', [], { DATABASE_URL: 'postgres://postgres:secret@127.0.0.1:1/nowhere', PORT: '0' });
    const result = await proc.exited;
    expect(result.code).toBe(1);
    expect(result.ms).toBeLessThan(10000);
    expect(proc.stderr()).toMatch(
      /Cannot connect to PostgreSQL at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/nowhere: ECONNREFUSED/,
    );
    expect(proc.stderr()).not.toContain('secret');
    expect(proc.stderr().trim().split('\n')).toHaveLength(1);
  }, 20000);

  it('npm run migrate twice: the second applies nothing', async () => {
    const dataDir = join(tmp, 'migrate');
    const first = spawnEntry('cli', ['migrate'], { DATA_DIR: dataDir });
    expect((await first.exited).code).toBe(0);
    expect(first.stdout()).toMatch(/applied [1-9]\d* migration/);
    const second = spawnEntry('cli', ['migrate'], { DATA_DIR: dataDir });
    expect((await second.exited).code).toBe(0);
    expect(second.stdout()).toContain('no pending migrations');
  }, 60000);
});
