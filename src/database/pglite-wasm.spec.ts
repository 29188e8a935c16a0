import { openPglite, PgliteWorker } from './pglite-worker';
import { pgliteWasmModule } from './pglite-wasm';

describe('pgliteWasmModule (PGlite with a smaller shared_buffers)', () => {
  const sharedBuffers = async (db: { query<T>(sql: string): Promise<{ rows: T[] }> }) =>
    (await db.query<{ shared_buffers: string }>('show shared_buffers')).rows[0].shared_buffers;

  it('starts Postgres with the shared_buffers it is given, in its thread and on this one', async () => {
    const worker = await PgliteWorker.start(null, { sharedBuffersMb: 16 });
    try {
      expect(await sharedBuffers(worker)).toBe('16MB');
    } finally {
      await worker.close();
    }
    const here = await openPglite(null, { sharedBuffersMb: 999 });
    try {
      expect(await sharedBuffers(here.asPGlite())).toBe('999MB');
    } finally {
      await here.close();
    }
  });

  it("keeps PGlite's own 128 MB when no size is given, and compiles each size once", async () => {
    const stock = await openPglite(null);
    try {
      expect(await sharedBuffers(stock.asPGlite())).toBe('128MB');
    } finally {
      await stock.close();
    }
    await expect(pgliteWasmModule({})).resolves.toBeUndefined();
    expect(pgliteWasmModule({ sharedBuffersMb: 16 })).toBe(pgliteWasmModule({ sharedBuffersMb: 16 }));
  });

  it('refuses a size the constant cannot hold', () => {
    expect(() => pgliteWasmModule({ sharedBuffersMb: 1000 })).toThrow('shared_buffers must be 1-999 MB, not 1000');
    expect(() => pgliteWasmModule({ sharedBuffersMb: 1.5 })).toThrow(RangeError);
  });
});
