import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface LockHolder {
  pid: number;
  startedAt: string;
  /** The HTTP base URL of the holder, once it listens (MCP stdio bridges to it). */
  url?: string;
}

/** Another live process owns the PGlite directory. */
export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    super(
      `DATA_DIR ${dataDir} is in use by process ${holder.pid}${holder.url ? ` (gateway at ${holder.url})` : ''}, started ${holder.startedAt}; stop it or use another DATA_DIR`,
    );
    this.name = 'DataDirLockedError';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function lockFilePath(dataDir: string): string {
  return join(resolve(dataDir), 'gateway.lock');
}

/** The live holder of the directory, if any (a stale lock from a dead process is ignored). */
export function readLockHolder(dataDir: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(readFileSync(lockFilePath(dataDir), 'utf8')) as LockHolder;
    return Number.isInteger(holder.pid) && holder.pid !== process.pid && isAlive(holder.pid) ? holder : undefined;
  } catch {
    return undefined;
  }
}

/** PGlite is one process's database: this file makes a second process fail with a clear message. */
export class DataDirLock {
  private held = false;
  private info: LockHolder;

  constructor(readonly dataDir: string) {
    this.info = { pid: process.pid, startedAt: new Date().toISOString() };
  }

  acquire(): void {
    mkdirSync(resolve(this.dataDir), { recursive: true });
    const file = lockFilePath(this.dataDir);
    try {
      writeFileSync(file, JSON.stringify(this.info), { flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readLockHolder(this.dataDir);
      if (holder) throw new DataDirLockedError(this.dataDir, holder);
      // Stale lock left by a process that died: take it over.
      writeFileSync(file, JSON.stringify(this.info));
    }
    this.held = true;
  }

  setUrl(url: string): void {
    if (!this.held) return;
    this.info = { ...this.info, url };
    writeFileSync(lockFilePath(this.dataDir), JSON.stringify(this.info));
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    rmSync(lockFilePath(this.dataDir), { force: true });
  }
}
