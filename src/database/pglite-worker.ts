import { PGlite } from '@electric-sql/pglite';
import type { Results } from '@electric-sql/pglite';
import { Logger } from '@nestjs/common';
import { Worker } from 'node:worker_threads';
import {
  PgliteErrorFields,
  PgliteReply,
  PgliteRequest,
  PgliteWorkerData,
  pgliteWorkerMain,
} from './pglite-worker-main';
import { PgliteTuning, pgliteWasmModule } from './pglite-wasm';

/** Closing writes what PGlite holds back; past this the thread is stopped anyway (never hang a shutdown). */
const CLOSE_TIMEOUT_MS = 30_000;

type Pending = { resolve: (result: unknown) => void; reject: (err: Error) => void };
type Request = PgliteRequest extends infer R ? (R extends PgliteRequest ? Omit<R, 'id'> : never) : never;

/** The embedded PGlite as the database service holds it: in this thread or in a worker thread. */
export interface PglitePort {
  /** The instance mikro-orm-pglite is given. */
  asPGlite(): PGlite;
  close(): Promise<void>;
}

/**
 * The embedded PGlite on this thread (the default): its statements run on the event loop. `dataDir`: its
 * directory, or null for an in-memory database.
 */
export async function openPglite(dataDir: string | null, tuning: PgliteTuning = {}): Promise<PglitePort> {
  const db = new PGlite({ dataDir: dataDir ?? undefined, wasmModule: await pgliteWasmModule(tuning) });
  await db.waitReady;
  return { asPGlite: () => db, close: async () => void (db.closed ? undefined : await db.close()) };
}

/**
 * The embedded PGlite in a worker thread that owns it (database.pgliteThread, the default): PGlite's
 * statements run there, off the request thread. This object stands in for the PGlite instance where the
 * ORM's driver (mikro-orm-pglite) uses one: query(), exec(), waitReady and close() go to the worker as
 * messages; results come back structured-cloned.
 *
 * If the thread dies, or PGlite's WebAssembly traps (a trap can leave it answering every later statement
 * with an error, so the thread is ended), that is logged as an error and every statement fails at once
 * with a "Connection terminated" error (the recorder keeps its rows, /health reports the database down).
 * With a data directory the thread is started again, after 0.5 s and then backing off to 30 s, and
 * Postgres recovers the directory as after a crash; an in-memory database stays down (a new one would be
 * empty).
 */
export class PgliteWorker implements PglitePort {
  private readonly logger = new Logger('Database');
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private closing = false;
  private worker!: Worker;
  private exited!: Promise<number>;
  private restarts = 0;
  private restartTimer?: NodeJS.Timeout;
  /** A restart under way (close() waits for it: its thread must not outlive the data directory's lock). */
  private restarting?: Promise<void>;
  /** Why the thread is down when nobody asked it to stop; undefined while it runs. */
  failure?: string;
  readonly waitReady = Promise.resolve();

  private constructor(
    worker: Worker,
    private readonly data: PgliteWorkerData,
  ) {
    this.attach(worker);
  }

  /** `dataDir`: PGlite's directory, or null for an in-memory database. Resolves once PGlite is open. */
  static async start(dataDir: string | null, tuning: PgliteTuning = {}): Promise<PgliteWorker> {
    const wasmModule = await pgliteWasmModule(tuning);
    const data: PgliteWorkerData = { dataDir, wasmModule, pgliteModule: require.resolve('@electric-sql/pglite') };
    return new PgliteWorker(await spawnReady(data), data);
  }

  private attach(worker: Worker): void {
    let lastError: Error | undefined;
    this.worker = worker;
    worker.on('error', (err) => (lastError = err));
    worker.on('message', (reply: PgliteReply) => this.settle(reply));
    this.exited = new Promise((resolve) => worker.once('exit', resolve));
    void this.exited.then((code) => this.ended(code, lastError));
  }

  private ended(code: number, lastError: Error | undefined): void {
    const reason = lastError ? `: ${lastError.stack ?? lastError.message}` : '';
    if (this.closing) {
      if (lastError) this.logger.error(`closing the embedded PGlite database failed${reason}`);
    } else {
      this.failure ??= `the embedded PGlite database (worker thread) stopped with exit code ${code}${reason}`;
      const next = this.data.dataDir === null ? 'until the gateway restarts' : 'while it starts again';
      this.logger.error(`${this.failure}; database statements fail ${next}`);
    }
    for (const p of this.pending.values()) p.reject(this.stoppedError());
    this.pending.clear();
    if (!this.closing && this.data.dataDir !== null) this.scheduleRestart();
  }

  private scheduleRestart(): void {
    const delay = Math.min(30_000, 500 * 2 ** this.restarts);
    this.restarts += 1;
    this.restartTimer = setTimeout(() => {
      this.restarting = this.restart();
    }, delay);
    this.restartTimer.unref();
  }

  private async restart(): Promise<void> {
    if (this.closing) return;
    let worker: Worker;
    try {
      worker = await spawnReady(this.data);
    } catch (err) {
      this.logger.error(`the embedded PGlite database did not start again: ${(err as Error).message}`);
      return this.scheduleRestart();
    }
    if (this.closing) return void (await worker.terminate());
    this.attach(worker);
    this.failure = undefined;
    this.restarts = 0;
    this.logger.log('the embedded PGlite database (worker thread) runs again');
  }

  /** The instance mikro-orm-pglite is given (it calls query, exec, waitReady; close only on what it owns). */
  asPGlite(): PGlite {
    return this as unknown as PGlite;
  }

  get closed(): boolean {
    return this.closing || this.failure !== undefined;
  }

  query<T>(sql: string, params: unknown[] = []): Promise<Results<T>> {
    return this.send({ op: 'query', sql, params }) as Promise<Results<T>>;
  }

  exec(sql: string): Promise<Results[]> {
    return this.send({ op: 'exec', sql }) as Promise<Results[]>;
  }

  /** Closes PGlite (flushing it to its directory) and ends the thread. The ORM should be closed first. */
  async close(): Promise<void> {
    clearTimeout(this.restartTimer);
    if (this.closed) {
      this.closing = true; // no restart after this
      await this.restarting;
      return void (await this.exited);
    }
    const closing = this.send({ op: 'close' });
    this.closing = true;
    const timer = setTimeout(() => {
      this.logger.error(`PGlite did not close within ${CLOSE_TIMEOUT_MS} ms; stopping its thread`);
      void this.worker.terminate();
    }, CLOSE_TIMEOUT_MS);
    try {
      await closing.catch((err: Error) =>
        this.logger.error(`closing the embedded PGlite database failed: ${err.message}`),
      );
      await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ends the thread at once, as a crash would (specs of the failure path). */
  async kill(): Promise<void> {
    await this.worker.terminate();
    await this.exited;
  }

  private send(request: Request): Promise<unknown> {
    if (this.closed) return Promise.reject(this.stoppedError());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id });
    });
  }

  private settle(reply: PgliteReply): void {
    if (reply === 'ready') return;
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    if ('error' in reply) {
      pending.reject(databaseError(reply.error));
      // A trap inside Postgres's WebAssembly (its stack overflowed, say) can leave PGlite broken for good.
      if (reply.error.name === 'RuntimeError' && !this.closed) this.trapped(reply.error.message);
    } else pending.resolve(Array.isArray(reply.result) ? reply.result.map(ownRealm) : ownRealm(reply.result));
  }

  private trapped(message: string): void {
    this.failure = `the embedded PGlite database (worker thread) trapped in its WebAssembly (${message})`;
    void this.worker.terminate();
  }

  /** Matches databaseUnavailableReason ("Connection terminated"): callers treat it as the database being down. */
  private stoppedError(): Error {
    return new Error(`Connection terminated: ${this.failure ?? 'the embedded PGlite database is closed'}`);
  }
}

/**
 * Dates and byte arrays in the rows, made with this realm's constructors. Structured cloning builds them
 * with the main context's ones, which is not this one where a vm context loads the code (jest): there an
 * `instanceof Date` (the ORM's hydration) would fail. Elsewhere nothing is copied.
 */
function ownRealm(result: unknown): unknown {
  const rows = (result as Partial<Results> | null)?.rows;
  if (!Array.isArray(rows)) return result;
  for (const row of rows as Record<string, unknown>[])
    for (const key in row) {
      const value = row[key];
      if (typeof value !== 'object' || value === null || value instanceof Date || value instanceof Uint8Array) continue;
      const tag = Object.prototype.toString.call(value);
      if (tag === '[object Date]') row[key] = new Date((value as Date).getTime());
      else if (tag === '[object Uint8Array]') row[key] = new Uint8Array(value as Uint8Array);
    }
  return result;
}

/** PGlite's error, rebuilt with the fields the ORM's exception converter and the gateway read (code, detail...). */
function databaseError(fields: PgliteErrorFields): Error {
  const { message, name, ...rest } = fields;
  const err = Object.assign(new Error(message), rest);
  if (name) err.name = name;
  return err;
}

/** A worker thread running pgliteWorkerMain, once PGlite is open in it. */
async function spawnReady(data: PgliteWorkerData): Promise<Worker> {
  const worker = new Worker(`(${pgliteWorkerMain.toString()})()`, { eval: true, workerData: data });
  try {
    await ready(worker);
  } catch (err) {
    await worker.terminate();
    throw err;
  }
  return worker;
}

/** Resolves on the worker's 'ready'; rejects with its error (or exit) before that. */
function ready(worker: Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: PgliteReply) => {
      if (message !== 'ready') return;
      cleanup();
      resolve();
    };
    const onError = (err: Error) => {
      cleanup();
      reject(new Error(`the embedded PGlite database could not start: ${err.message}`, { cause: err }));
    };
    const onExit = (code: number) => onError(new Error(`its worker thread exited with code ${code}`));
    const cleanup = () => {
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
    };
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
  });
}
