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

  describe('with a data directory, a thread that ends on its own is started again', () => {
    let dir: string;
    let errors: string[];
    let spy: jest.SpyInstance;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'pglite-worker-spec-'));
      errors = [];
      spy = jest.spyOn(Logger.prototype, 'error').mockImplementation((m: unknown) => void errors.push(String(m)));
    });
    afterEach(() => {
      spy.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    });

    /** The first answer to `sql` once the thread runs again (statements fail at once until then). */
    async function whenBack(worker: PgliteWorker, sql: string): Promise<unknown[]> {
      for (let i = 0; i < 100; i++) {
        const rows = await worker.query(sql).then(
          (r) => r.rows,
          (err: Error) => void expect(err.message).toMatch(/^Connection terminated/),
        );
        if (rows) return rows;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('the PGlite thread did not come back within 10 s');
    }

    it('after a crash: statements fail at once, then the thread and its data are back', async () => {
      const worker = await PgliteWorker.start(join(dir, 'pglite'));
      try {
        await worker.exec('create table kept (n int); insert into kept values (7)');
        await worker.kill();
        await expect(worker.query('select 1')).rejects.toThrow(/Connection terminated: .*stopped with exit code/);
        expect(errors.join('\n')).toMatch(/stopped with exit code 1; database statements fail while it starts again/);
        expect(await whenBack(worker, 'select n from kept')).toEqual([{ n: 7 }]);
        expect(worker.failure).toBeUndefined();
      } finally {
        await worker.close();
      }
    });

    it('after a trap in its WebAssembly (jsonb nested 2,000 levels overflows its stack): the thread is replaced', async () => {
      const worker = await PgliteWorker.start(join(dir, 'pglite'));
      try {
        await worker.exec('create table docs (d jsonb); insert into docs values (\'{"ok": 1}\')');
        const deep = '['.repeat(2000) + ']'.repeat(2000);
        await expect(worker.query('insert into docs values ($1::jsonb)', [deep])).rejects.toThrow(
          /memory access out of bounds/,
        );
        expect(worker.failure).toMatch(/trapped in its WebAssembly/);
        expect(await whenBack(worker, 'select d from docs')).toEqual([{ d: { ok: 1 } }]);
      } finally {
        await worker.close();
      }
    });
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
