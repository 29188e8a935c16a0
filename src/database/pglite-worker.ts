import { Logger } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { PgliteWorkerData, PgliteWorkerMessage, pgliteWorkerMain } from './pglite-worker-main';

/** libpq's name for a server socket in a directory: pg connects to `<host>/.s.PGSQL.<port>` when host is a path. */
export const PGLITE_SOCKET_PORT = 5432;
const SOCKET_FILE = `.s.PGSQL.${PGLITE_SOCKET_PORT}`;
/** The pool uses one connection; a reconnect may overlap the old one's teardown at the server. */
const SERVER_MAX_CONNECTIONS = 4;
/** Closing writes what PGlite holds back; past this the thread is stopped anyway (never hang a shutdown). */
const CLOSE_TIMEOUT_MS = 30_000;

/**
 * The embedded PGlite in a worker thread that owns it and serves the Postgres wire protocol on a unix
 * socket in a private (0700) temporary directory. The gateway talks to it with the regular Postgres
 * driver, so PGlite's statements run off the request thread. A worker that dies is logged as such; the
 * database then refuses connections (the health check says so) until the gateway restarts.
 */
export class PgliteWorker {
  private readonly logger = new Logger('Database');
  private closing = false;
  private exited: Promise<number>;
  /** Why the thread ended when nobody asked it to; undefined while it runs. */
  failure?: string;

  private constructor(
    private readonly worker: Worker,
    /** Where the socket is: the `host` to give pg. */
    readonly socketDir: string,
  ) {
    let lastError: Error | undefined;
    worker.on('error', (err) => (lastError = err));
    this.exited = new Promise((resolve) => worker.once('exit', resolve));
    void this.exited.then((code) => {
      rmSync(socketDir, { recursive: true, force: true });
      if (this.closing) return;
      this.failure = `the embedded PGlite database (worker thread) stopped with exit code ${code}${lastError ? `: ${lastError.stack ?? lastError.message}` : ''}`;
      this.logger.error(`${this.failure}; database queries fail until the gateway restarts`);
    });
  }

  /** `dataDir`: PGlite's directory, or null for an in-memory database. Resolves once the socket accepts connections. */
  static async start(dataDir: string | null, lowMemory = false): Promise<PgliteWorker> {
    wasmBaselineOnly(lowMemory);
    const socketDir = mkdtempSync(join(tmpdir(), 'gateway-pglite-'));
    const data: PgliteWorkerData = {
      dataDir,
      socketPath: join(socketDir, SOCKET_FILE),
      maxConnections: SERVER_MAX_CONNECTIONS,
      modules: {
        pglite: require.resolve('@electric-sql/pglite'),
        socket: require.resolve('@electric-sql/pglite-socket'),
      },
    };
    const worker = new Worker(`(${pgliteWorkerMain.toString()})()`, { eval: true, workerData: data });
    try {
      await ready(worker);
    } catch (err) {
      await worker.terminate();
      rmSync(socketDir, { recursive: true, force: true });
      throw err;
    }
    return new PgliteWorker(worker, socketDir);
  }

  get alive(): boolean {
    return this.failure === undefined && !this.closing;
  }

  /** Closes PGlite (flushing it to its directory) and ends the thread. Connections should be closed first. */
  async close(): Promise<void> {
    if (this.closing) return void (await this.exited);
    this.closing = true;
    if (this.failure) return;
    const timer = setTimeout(() => {
      this.logger.error(`PGlite did not close within ${CLOSE_TIMEOUT_MS} ms; stopping its thread`);
      void this.worker.terminate();
    }, CLOSE_TIMEOUT_MS);
    this.worker.postMessage('close' satisfies PgliteWorkerMessage);
    try {
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
}

/** Resolves on the worker's 'ready'; rejects with its error (or exit) before that. */
function ready(worker: Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: PgliteWorkerMessage) => {
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

/**
 * V8 compiles WebAssembly with its baseline compiler (Liftoff) first and recompiles hot functions with
 * its optimizing one (TurboFan). PGlite's start runs enough of Postgres to tier up much of it: ~100 MB of
 * optimized code and compiler memory that the gateway keeps. Liftoff only (database.pgliteLowMemory) keeps
 * that memory, but PGlite's statements then run slower (in its worker thread, off the request path).
 * It applies to WebAssembly compiled from now on, process-wide (worker threads included).
 */
export function wasmBaselineOnly(enabled: boolean): void {
  if (enabled) setFlagsFromString('--liftoff-only');
}
