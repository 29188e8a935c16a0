import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/common/app-info';

export interface Spawned {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
}

/** Runs a built entry point (dist/src/<entry>.js) as a real process, as a user would. */
export function spawnEntry(entry: 'main' | 'cli' | 'mcp-stdio', args: string[], env: NodeJS.ProcessEnv): Spawned {
  const started = Date.now();
  const base = { ...process.env };
  delete base.DATABASE_URL;
  delete base.GATEWAY_CONFIG;
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'dist/src', `${entry}.js`), ...args], {
    cwd: PROJECT_ROOT,
    env: { ...base, LOG_LEVEL: 'info', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, ms: Date.now() - started })),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

export async function waitFor<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await Promise.resolve()
      .then(probe)
      .catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until the spawned gateway logs its URL, and returns it. */
export function listeningUrl(proc: Spawned, timeoutMs = 20000): Promise<string> {
  return waitFor(
    () => proc.stdout().match(/listening on (http:\/\/[^\s"]+)/)?.[1],
    timeoutMs,
    `the gateway to listen (stderr: ${proc.stderr().slice(-500)})`,
  );
}
