/** What the host hands the worker thread (workerData). */
export interface PgliteWorkerData {
  /** The PGlite directory; null for an in-memory database. */
  dataDir: string | null;
  /** The unix socket the worker serves the Postgres wire protocol on. */
  socketPath: string;
  /** Connections the socket server accepts at once (the host's pool uses one; the rest is slack for reconnects). */
  maxConnections: number;
  /** Resolved module paths: an eval'd worker resolves bare names from the working directory, not from here. */
  modules: { pglite: string; socket: string };
}

/** 'ready': the worker serves; 'close': the host asks it to close PGlite and end (errors end the thread too). */
export type PgliteWorkerMessage = 'ready' | 'close';

/**
 * The worker thread's program: opens PGlite, serves it on a unix socket (@electric-sql/pglite-socket) and
 * closes both when the host says 'close'. The host runs this function's source text with `eval`, so it
 * must be self-contained: no imports (only types), no helpers from this file, only require() of the paths
 * it is given. A failure rejects, which ends the thread with an 'error' event at the host.
 */
export async function pgliteWorkerMain(): Promise<void> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const threads = require('node:worker_threads') as typeof import('node:worker_threads');
  const data = threads.workerData as PgliteWorkerData;
  const port = threads.parentPort!;
  const { PGlite } = require(data.modules.pglite) as typeof import('@electric-sql/pglite');
  const { PGLiteSocketServer } = require(data.modules.socket) as typeof import('@electric-sql/pglite-socket');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const db = data.dataDir === null ? new PGlite() : new PGlite(data.dataDir);
  await db.waitReady;
  const server = new PGLiteSocketServer({ db, path: data.socketPath, maxConnections: data.maxConnections });
  await server.start();
  port.on('message', (message: PgliteWorkerMessage) => {
    if (message !== 'close') return;
    void (async () => {
      await server.stop();
      await db.close();
      port.close(); // nothing keeps the thread alive any more: it exits with code 0
    })();
  });
  port.postMessage('ready' satisfies PgliteWorkerMessage);
}
