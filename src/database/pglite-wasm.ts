import { Logger } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setFlagsFromString } from 'node:v8';

/** How the embedded PGlite is tuned (database.pgliteSharedBuffersMb, database.pgliteLowMemory). */
export interface PgliteTuning {
  /** Postgres's shared_buffers in MB (1-999); undefined: PGlite's own 128 MB. */
  sharedBuffersMb?: number;
  /** V8's baseline WebAssembly compiler only (see wasmBaselineOnly). */
  lowMemory?: boolean;
}

/** A compiled WebAssembly module (@types/node 20 declares no WebAssembly namespace). */
export type WasmModule = object;
const { WebAssembly: wasm } = globalThis as unknown as {
  WebAssembly: { compile(bytes: Uint8Array): Promise<WasmModule> };
};

/** The start parameter PGlite 0.3 has compiled into its WebAssembly, as a C string. */
const STOCK_SHARED_BUFFERS = 'shared_buffers=128MB\0';

const compiled = new Map<number, Promise<WasmModule | undefined>>();

/**
 * PGlite's WebAssembly, compiled, with Postgres's shared_buffers set to `tuning.sharedBuffersMb`; undefined
 * means PGlite compiles its stock module itself (no size given, or a PGlite build without the constant).
 *
 * Why: PGlite 0.3 starts Postgres with `-c shared_buffers=128MB` built into its binary. It reads no
 * postgresql.conf (pg_settings says "command line") and takes no start parameters (0.4 adds startParams).
 * Those 128 MB live in the WebAssembly memory and are zero-filled at start: measured, a bare PGlite's RSS
 * went from 333 to 200 MB with 16 MB. So the one constant is rewritten in the module's bytes (same length,
 * NUL-padded) before compiling, and the compiled module is kept for every later PGlite of this process (a
 * module is shareable with worker threads and its code is not copied).
 */
export function pgliteWasmModule(tuning: PgliteTuning): Promise<WasmModule | undefined> {
  wasmBaselineOnly(tuning.lowMemory ?? false);
  const mb = tuning.sharedBuffersMb;
  if (mb === undefined) return Promise.resolve(undefined);
  if (!Number.isInteger(mb) || mb < 1 || mb > 999) throw new RangeError(`shared_buffers must be 1-999 MB, not ${mb}`);
  let module = compiled.get(mb);
  if (!module) compiled.set(mb, (module = compileWithSharedBuffers(mb)));
  return module;
}

async function compileWithSharedBuffers(mb: number): Promise<WasmModule | undefined> {
  const bytes = await readFile(join(dirname(require.resolve('@electric-sql/pglite')), 'pglite.wasm'));
  const stock = Buffer.from(STOCK_SHARED_BUFFERS);
  const at = bytes.indexOf(stock);
  if (at < 0 || bytes.indexOf(stock, at + 1) >= 0) {
    new Logger('Database').warn(
      `PGlite's WebAssembly does not hold '${stock.toString('latin1', 0, stock.length - 1)}' once (another PGlite build?): ` +
        `database.pgliteSharedBuffersMb (${mb}) is not applied; Postgres keeps PGlite's own shared_buffers`,
    );
    return undefined;
  }
  const tuned = Buffer.alloc(stock.length); // NUL-padded: the C string ends where the value does
  tuned.write(`shared_buffers=${mb}MB`);
  tuned.copy(bytes, at);
  return wasm.compile(bytes);
}

/**
 * V8 compiles WebAssembly with its baseline compiler (Liftoff) first and recompiles hot functions with
 * its optimizing one (TurboFan). PGlite's start runs enough of Postgres to tier up much of it: optimized
 * code and compiler memory that the process keeps (measured: a bare PGlite 187 MB RSS, 136 with Liftoff
 * only). Liftoff only (database.pgliteLowMemory) saves that, but statements run up to 2x slower.
 * It applies to WebAssembly compiled from now on, process-wide (worker threads included).
 */
function wasmBaselineOnly(enabled: boolean): void {
  if (enabled) setFlagsFromString('--liftoff-only');
}
