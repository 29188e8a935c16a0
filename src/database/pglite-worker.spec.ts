import { Logger } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databaseInputErrorReason, databaseUnavailableReason } from './database.errors';
import { DatabaseService } from './database.service';
import { IN_MEMORY } from './orm-options';
import { queryRows } from './query';
import { PgliteWorker } from './pglite-worker';

describe('PgliteWorker', () => {
  it('runs statements in its thread with bound parameters, and sends back PGlite errors with their SQLSTATE', async () => {
    const worker = await PgliteWorker.start(null);
    try {
      const { rows } = await worker.query<{ v: string; d: Date }>('select $1::text as v, $2::timestamptz as d', [
        'a;b',
        new Date('2026-01-02T03:04:05Z'),
      ]);
      expect(rows).toEqual([{ v: 'a;b', d: new Date('2026-01-02T03:04:05Z') }]);
      expect((await worker.exec('create table t (n int); insert into t values (1), (2)')).length).toBe(2);
      const err: unknown = await worker.query('select 1 / (n - 1) from t').catch((e: unknown) => e);
      expect(err).toMatchObject({ code: '22012', message: 'division by zero' });
      expect(databaseInputErrorReason(err)).toBe('division by zero');
    } finally {
      await worker.close();
    }
    await expect(worker.query('select 1')).rejects.toThrow(/Connection terminated/);
  });

  it('keeps the data in its directory across a close and a new start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pglite-worker-spec-'));
    try {
      const first = await PgliteWorker.start(join(dir, 'pglite'));
      await first.exec('create table kept (n int); insert into kept values (7)');
      await first.close();
      const second = await PgliteWorker.start(join(dir, 'pglite'));
      expect((await second.query('select n from kept')).rows).toEqual([{ n: 7 }]);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when the thread dies, says so and statements fail at once as the database being down', async () => {
    const errors: string[] = [];
    const spy = jest.spyOn(Logger.prototype, 'error').mockImplementation((m: unknown) => void errors.push(String(m)));
    const db = await DatabaseService.connect({ dataDir: IN_MEMORY, entities: [], pgliteThread: true });
    try {
      expect(db.pglite).toBeInstanceOf(PgliteWorker);
      expect(await db.ping()).toBe(true);
      await (db.pglite as PgliteWorker).kill();
      expect(errors.join('\n')).toMatch(/embedded PGlite database \(worker thread\) stopped/);
      // The recorder keeps the rows of a batch that fails so (and the health check reports the database down).
      const err: unknown = await queryRows(db.fork(), 'select 1').catch((e: unknown) => e);
      expect(databaseUnavailableReason(err)).toMatch(/worker thread\) stopped/);
      expect(await db.ping()).toBe(false);
    } finally {
      await db.close();
      spy.mockRestore();
    }
  });

  it('stays on this thread unless database.pgliteThread asks for it', async () => {
    const db = await DatabaseService.connect({ dataDir: IN_MEMORY, entities: [] });
    try {
      expect(db.pglite).not.toBeInstanceOf(PgliteWorker);
      expect(await db.ping()).toBe(true);
    } finally {
      await db.close();
    }
  });
});
