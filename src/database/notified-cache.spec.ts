import type { DatabaseService } from './database.service';
import { NotifiedCache, NotifiedCacheOptions } from './notified-cache';

/** An embedded database: no LISTEN connection, no NOTIFY. */
const pglite = { kind: 'pglite' } as DatabaseService;

function deferred<T>(): { promise: Promise<T>; resolve(v: T): void; reject(e: unknown): void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

function cache<T>(load: (version: number) => Promise<T>, o: Partial<NotifiedCacheOptions<T>> = {}): NotifiedCache<T> {
  return new NotifiedCache(pglite, undefined, { channel: 'test_changed', load, ...o });
}

describe('NotifiedCache', () => {
  it('loads lazily once per version, shares a load between callers, and reloads after a change', async () => {
    let loads = 0;
    const c = cache((v) => Promise.resolve(`value ${v} (load ${++loads})`));
    const [a, b] = await Promise.all([c.get(), c.get()]);
    expect(a).toBe('value 0 (load 1)');
    expect(b).toBe(a);
    expect(await c.get()).toBe(a);
    await c.changed();
    expect(c.version).toBe(1);
    expect(await c.get()).toBe('value 1 (load 2)');
  });

  it('repeats a load that a change raced, so a stale value is never stored as current', async () => {
    const gate = deferred<void>();
    let loads = 0;
    const c = cache(async (v) => {
      loads++;
      if (loads === 1) await gate.promise;
      return v;
    });
    const pending = c.get();
    c.invalidate();
    gate.resolve();
    expect(await pending).toBe(1);
    expect(loads).toBe(2);
  });

  it('keeps the last good value when a reload fails; with none, the failure is thrown', async () => {
    let fail = true;
    const c = cache((v) => (fail ? Promise.reject(new Error('database down')) : Promise.resolve(v)));
    await expect(c.get()).rejects.toThrow('database down');
    fail = false;
    expect(await c.get()).toBe(0);
    fail = true;
    c.invalidate();
    expect(await c.get()).toBe(0);
    await expect(c.refresh()).rejects.toThrow('database down');
  });

  it('an eager cache loads at start and reloads on every change; values reach onLoaded', async () => {
    const seen: Array<[number, number | undefined]> = [];
    let loads = 0;
    const c = cache(() => Promise.resolve(++loads), { eager: true, onLoaded: (v, prev) => seen.push([v, prev]) });
    c.invalidate();
    expect(loads).toBe(0);
    await c.start();
    expect(c.value).toBe(1);
    await c.changed('x');
    await c.refresh();
    expect(c.value).toBe(2);
    expect(seen).toEqual([
      [1, undefined],
      [2, 1],
    ]);
    await c.stop();
  });

  it('gives up after ten raced loads and keeps the stored value', async () => {
    const c: NotifiedCache<number> = cache((v) => {
      c.invalidate();
      return Promise.resolve(v);
    });
    await expect(c.refresh()).rejects.toThrow(/kept changing during 10 loads/);
    expect(c.value).toBeUndefined();
  });
});
