import { Logger } from '@nestjs/common';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { databaseUnavailableReason } from './database.errors';
import { DatabaseService } from './database.service';
import { IN_MEMORY } from './orm-options';
import { queryRows } from './query';
import { PGLITE_SOCKET_PORT, PgliteWorker } from './pglite-worker';

function client(worker: PgliteWorker): Client {
  const c = new Client({ host: worker.socketDir, port: PGLITE_SOCKET_PORT, user: 'postgres', database: 'postgres' });
  c.on('error', () => undefined);
  return c;
}

describe('PgliteWorker', () => {
  it('serves PGlite from another thread over its socket, with bound parameters, and removes the socket on close', async () => {
    const worker = await PgliteWorker.start(null);
    const c = client(worker);
    await c.connect();
    const { rows } = await c.query<{ v: string }>('select $1::text as v', ['a;b']);
    expect(rows).toEqual([{ v: 'a;b' }]);
    await c.end();
    await worker.close();
    expect(existsSync(worker.socketDir)).toBe(false);
  });

  it('keeps the data in its directory across a close and a new start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pglite-worker-spec-'));
    try {
      const first = await PgliteWorker.start(join(dir, 'pglite'));
      const c1 = client(first);
      await c1.connect();
      await c1.query('create table kept (n int); insert into kept values (7)');
      await c1.end();
      await first.close();
      const second = await PgliteWorker.start(join(dir, 'pglite'));
      const c2 = client(second);
      await c2.connect();
      expect((await c2.query('select n from kept')).rows).toEqual([{ n: 7 }]);
      await c2.end();
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when the thread dies, says so and queries fail at once instead of hanging', async () => {
    const errors: string[] = [];
    const spy = jest.spyOn(Logger.prototype, 'error').mockImplementation((m: unknown) => void errors.push(String(m)));
    const db = await DatabaseService.connect({ dataDir: IN_MEMORY, entities: [] });
    try {
      expect(await db.ping()).toBe(true);
      await db.pglite!.kill();
      expect(errors.join('\n')).toMatch(/embedded PGlite database \(worker thread\) stopped/);
      expect(db.pglite!.alive).toBe(false);
      // A connection error (not a hang until the pool's timeout): the recorder keeps such batches for later.
      const err: unknown = await queryRows(db.fork(), 'select 1').catch((e: unknown) => e);
      expect(databaseUnavailableReason(err)).toBeDefined();
      expect(await db.ping()).toBe(false);
    } finally {
      await db.close();
      spy.mockRestore();
    }
  });
});
