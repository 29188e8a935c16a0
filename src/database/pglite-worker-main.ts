import type { WasmModule } from './pglite-wasm';

/** What the host hands the worker thread (workerData). */
export interface PgliteWorkerData {
  /** The PGlite directory; null for an in-memory database. */
  dataDir: string | null;
  /** PGlite's WebAssembly compiled by the host (pgliteWasmModule); undefined: PGlite compiles its own. */
  wasmModule?: WasmModule;
  /** Resolved path of @electric-sql/pglite: an eval'd worker resolves bare names from the working directory. */
  pgliteModule: string;
}

/** The host's requests: one statement (query: with bound parameters; exec: a script), or close. */
export type PgliteRequest =
  | { id: number; op: 'query'; sql: string; params: unknown[] }
  | { id: number; op: 'exec'; sql: string }
  | { id: number; op: 'close' };

/** The fields of a PGlite (pg-protocol) DatabaseError worth sending back: MikroORM and the gateway read them. */
export interface PgliteErrorFields {
  message: string;
  name?: string;
  code?: string;
  detail?: string;
  hint?: string;
  position?: string;
  schema?: string;
  table?: string;
  column?: string;
  constraint?: string;
  severity?: string;
}

/** The worker's answers: 'ready' once, then one reply per request (results are structured-cloned). */
export type PgliteReply = 'ready' | { id: number; result: unknown } | { id: number; error: PgliteErrorFields };

/**
 * The worker thread's program: opens PGlite, runs each request on it and answers, and closes it when
 * asked. The host runs this function's source text with `eval`, so it must be self-contained: no
 * imports (only types), no helpers from this file, only require(). A failure to open rejects, which ends
 * the thread with an 'error' event at the host.
 */
export async function pgliteWorkerMain(): Promise<void> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const threads = require('node:worker_threads') as typeof import('node:worker_threads');
  const data = threads.workerData as PgliteWorkerData;
  const { PGlite } = require(data.pgliteModule) as typeof import('@electric-sql/pglite');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const port = threads.parentPort!;
  const db = new PGlite({ dataDir: data.dataDir ?? undefined, wasmModule: data.wasmModule });
  await db.waitReady;
  const reply = (message: PgliteReply) => port.postMessage(message);
  port.on('message', (request: PgliteRequest) => {
    const run =
      request.op === 'query'
        ? db.query(request.sql, request.params)
        : request.op === 'exec'
          ? db.exec(request.sql)
          : db.close();
    run.then(
      (result) => {
        try {
          reply({ id: request.id, result });
        } catch (err) {
          reply({ id: request.id, error: { message: `PGlite's result cannot be sent: ${(err as Error).message}` } });
        }
        if (request.op === 'close') port.close(); // nothing keeps the thread alive any more: it exits with 0
      },
      (err: Error & Omit<PgliteErrorFields, 'message'>) => {
        const { name, code, detail, hint, position, schema, table, column, constraint, severity } = err;
        const fields = { name, code, detail, hint, position, schema, table, column, constraint, severity };
        reply({ id: request.id, error: { message: err.message, ...fields } });
      },
    );
  });
  reply('ready');
}
