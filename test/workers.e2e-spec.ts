import { request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { listeningUrl, spawnEntry, Spawned, waitFor } from './helpers/process';
import { createTestDatabase, ON_POSTGRES, TestDatabase } from './helpers/test-database';

interface Answer {
  status: number;
  body: string;
}

/** One request on its own connection (no keep-alive): node:cluster hands each connection to a worker in turn. */
function post(url: string, path: string, body: unknown, key?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${url}${path}`,
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

const CHAT = { model: 'fast', messages: [{ role: 'user', content: 'hi' }] };

/**
 * A created key reaches the other worker through NOTIFY and a reload (milliseconds): waits until four
 * requests on fresh connections (both workers, twice) know it. A revocation, by contrast, is dropped from
 * every worker's cache as the notification arrives (the test below sends no wait before checking it).
 */
async function knownEverywhere(url: string, key: string): Promise<void> {
  await waitFor(
    async () => {
      const answers = await Promise.all(Array.from({ length: 4 }, () => post(url, '/tools/whoami', {}, key)));
      return answers.every((a) => a.status !== 401) || undefined;
    },
    10000,
    'the new key on every worker',
  );
}

describe('WORKERS (node:cluster)', () => {
  it('refuses more than one worker on PGlite with one line, exit 1', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'gw-workers-'));
    try {
      const proc = spawnEntry('main', [], { WORKERS: '2', DATA_DIR: join(tmp, 'data'), PORT: '0' });
      const result = await proc.exited;
      expect(result.code).toBe(1);
      expect(proc.stderr().trim().split('\n')).toEqual([
        'ai-mcp-gateway: Invalid configuration in environment at WORKERS: 2 workers need PostgreSQL (DATABASE_URL): the embedded PGlite database is owned by one process, so it runs 1 worker',
      ]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 30000);

  it('refuses a WORKERS value that is not a count', async () => {
    const proc = spawnEntry('main', [], { WORKERS: 'many', PORT: '0' });
    expect((await proc.exited).code).toBe(1);
    expect(proc.stderr()).toContain('WORKERS: "many" is not a number of workers (1-64)');
  }, 30000);
});

(ON_POSTGRES ? describe : describe.skip)('WORKERS=2 on PostgreSQL (e2e, real processes)', () => {
  let tdb: TestDatabase;
  let proc: Spawned;
  let url: string;

  beforeAll(async () => {
    tdb = await createTestDatabase();
    proc = spawnEntry('main', [], { WORKERS: '2', DATABASE_URL: tdb.target.url!, PORT: '0' });
    url = await listeningUrl(proc, 60000);
    await waitFor(() => Promise.resolve(proc.stdout().includes('runs 2 workers') || undefined), 60000, 'both workers');
    await waitFor(
      () => Promise.resolve((proc.stdout().match(/listening on/g) ?? []).length >= 2 || undefined),
      60000,
      'the second worker to listen',
    );
  }, 130000);

  afterAll(async () => {
    if (proc.child.exitCode === null) {
      proc.child.kill('SIGKILL');
      await proc.exited;
    }
    await tdb?.drop();
  });

  it('serves on one port from two processes; a revoked key is refused by every worker at once; SIGTERM loses nothing', async () => {
    const admin = JSON.parse((await post(url, '/tools/create_api_key', { name: 'ops', scopes: ['admin'] })).body) as {
      key: string;
    };
    await knownEverywhere(url, admin.key);
    const created = await post(url, '/tools/create_api_key', { name: 'app', scopes: ['route'] }, admin.key);
    const app = JSON.parse(created.body) as { key: string; apiKey: { id: number } };
    await knownEverywhere(url, app.key);

    const served: Answer[] = [];
    for (let i = 0; i < 10; i++) served.push(await post(url, '/v1/chat/completions', CHAT, app.key));
    expect(served.map((a) => a.status)).toEqual(Array(10).fill(200));
    // Each worker logs its own access lines (pino's pid binding): both served.
    const pids = new Set(
      proc
        .stdout()
        .split('\n')
        .filter((l) => l.includes('"url":"/v1/chat/completions"'))
        .map((l) => (JSON.parse(l) as { pid: number }).pid),
    );
    expect(pids.size).toBe(2);

    const revoked = await post(url, '/tools/revoke_api_key', { id: app.apiKey.id }, admin.key);
    expect(revoked.status).toBe(200);
    const after = await Promise.all(Array.from({ length: 20 }, () => post(url, '/v1/chat/completions', CHAT, app.key)));
    expect(after.map((a) => a.status)).toEqual(Array(20).fill(401));

    proc.child.kill('SIGTERM');
    expect((await proc.exited).code).toBe(0);
    const client = new Client({ connectionString: tdb.target.url });
    await client.connect();
    try {
      // The judge's sampled calls are recorded as rows of their own (task type judge).
      const rows = await client.query<{ n: number }>(
        `select count(*)::int as n from request_log where task_type <> 'judge'`,
      );
      expect(rows.rows[0].n).toBe(10);
    } finally {
      await client.end();
    }
  }, 120000);
});
