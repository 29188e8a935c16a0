import { createHash, randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

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

/** How often acquire() looks again while another process is between two steps of its takeover. */
const RETRY_WAIT_MS = 20;
const MAX_ROUNDS = 100;
/** Takeover claims on one stale lock; each dead claimant moves the next starter one claim on. */
const MAX_CLAIMS = 16;

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

function readRaw(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function parseHolder(raw: string | undefined): LockHolder | undefined {
  try {
    const holder = JSON.parse(raw ?? '') as LockHolder;
    return Number.isInteger(holder?.pid) ? holder : undefined;
  } catch {
    return undefined;
  }
}

/** A holder that still runs and is not this process (a lock with our own pid is left from a previous life). */
function liveHolder(raw: string | undefined): LockHolder | undefined {
  const holder = parseHolder(raw);
  return holder && holder.pid !== process.pid && isAlive(holder.pid) ? holder : undefined;
}

/** The live holder of the directory, if any (a stale lock from a dead process is ignored). */
export function readLockHolder(dataDir: string): LockHolder | undefined {
  return liveHolder(readRaw(lockFilePath(dataDir)));
}

function tempFile(file: string, content: string): string {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temp, content);
  return temp;
}

/** Creates `file` with the whole content at once, only if it does not exist (link() is exclusive and atomic). */
function createExclusive(file: string, content: string): boolean {
  const temp = tempFile(file, content);
  try {
    linkSync(temp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    rmSync(temp, { force: true });
  }
}

/** Replaces `file` at once: readers see the old content or the new one, never a partial write. */
function replaceAtomically(file: string, content: string): void {
  renameSync(tempFile(file, content), file);
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * PGlite is one process's database: this file makes a second process fail with a clear message.
 * The lock is created with an exclusive link(). A stale lock (its process died) is taken over by
 * whoever first creates the takeover claim named after that lock's content, also exclusively, and
 * still finds the same content under the lock before replacing it: of several processes starting
 * at once on a stale lock exactly one wins, and the others name it as the holder.
 */
export class DataDirLock {
  private held = false;
  private info: LockHolder;

  constructor(readonly dataDir: string) {
    this.info = { pid: process.pid, startedAt: new Date().toISOString() };
  }

  acquire(): void {
    mkdirSync(resolve(this.dataDir), { recursive: true });
    const file = lockFilePath(this.dataDir);
    for (let round = 0; round < MAX_ROUNDS; round++) {
      if (createExclusive(file, JSON.stringify(this.info))) return void (this.held = true);
      const raw = readRaw(file);
      if (raw === undefined) continue; // released in between: try again at once
      const holder = liveHolder(raw);
      if (holder) throw new DataDirLockedError(this.dataDir, holder);
      const outcome = this.takeOver(file, raw);
      if (outcome === 'won') return void (this.held = true);
      if (outcome !== 'retry') throw new DataDirLockedError(this.dataDir, outcome);
      sleepSync(RETRY_WAIT_MS);
    }
    throw new Error(`could not take the lock ${file}: it keeps changing; is a process looping on it?`);
  }

  /** 'won', the live process that is taking this stale lock over, or 'retry' when the lock changed meanwhile. */
  private takeOver(file: string, staleRaw: string): 'won' | 'retry' | LockHolder {
    const tag = createHash('sha256').update(staleRaw).digest('hex').slice(0, 16);
    for (let n = 0; n < MAX_CLAIMS; n++) {
      const claim = `${file}.takeover-${tag}-${n}`;
      if (createExclusive(claim, JSON.stringify(this.info))) {
        // Only a claimant of this content replaces it, so it cannot change between this check and the rename.
        const won = readRaw(file) === staleRaw;
        if (!won) {
          rmSync(claim, { force: true });
          return 'retry';
        }
        replaceAtomically(file, JSON.stringify(this.info));
        this.removeClaims(file, tag);
        return 'won';
      }
      const claimant = liveHolder(readRaw(claim));
      if (claimant) return claimant;
      // The claimant died before finishing (or already cleaned up): the next claim decides.
    }
    return 'retry';
  }

  /**
   * Claims on a content that is gone can decide nothing any more (a late claimant finds the lock changed).
   * Only the claims themselves: another starter's temp file for its own claim (`<claim>.<pid>.<hex>.tmp`)
   * is still on its way to link() and must stay.
   */
  private removeClaims(file: string, tag: string): void {
    const start = `${basename(file)}.takeover-${tag}-`;
    for (const name of readdirSync(dirname(file)))
      if (name.startsWith(start) && /^\d+$/.test(name.slice(start.length)))
        rmSync(join(dirname(file), name), { force: true });
  }

  setUrl(url: string): void {
    if (!this.held) return;
    this.info = { ...this.info, url };
    replaceAtomically(lockFilePath(this.dataDir), JSON.stringify(this.info));
  }

  /** Removes the lock, unless another process has (wrongly) replaced it. */
  release(): void {
    if (!this.held) return;
    this.held = false;
    const file = lockFilePath(this.dataDir);
    const holder = parseHolder(readRaw(file));
    if (holder?.pid === this.info.pid && holder.startedAt === this.info.startedAt) rmSync(file, { force: true });
  }
}
