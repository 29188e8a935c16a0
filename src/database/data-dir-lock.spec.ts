import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirLock, lockFilePath } from './data-dir-lock';

/** A pid no process has (above Linux's pid_max). */
const DEAD_PID = 2 ** 22 + 7;

describe('DataDirLock takeover of a stale lock', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'lock-unit-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("removes the decided claims but not another starter's temp file on its way to its own claim", () => {
    const stale = JSON.stringify({ pid: DEAD_PID, startedAt: '2026-01-01T00:00:00.000Z' });
    writeFileSync(lockFilePath(dir), stale);
    const tag = createHash('sha256').update(stale).digest('hex').slice(0, 16);
    // What a second starter has written just before its link(): removing it would make that link() fail.
    const theirTemp = `gateway.lock.takeover-${tag}-0.${DEAD_PID}.0a1b2c3d.tmp`;
    writeFileSync(join(dir, theirTemp), '{}');

    const lock = new DataDirLock(dir);
    lock.acquire();

    expect(JSON.parse(readFileSync(lockFilePath(dir), 'utf8'))).toMatchObject({ pid: process.pid });
    expect(existsSync(join(dir, theirTemp))).toBe(true);
    expect(readdirSync(dir).filter((n) => /takeover-[0-9a-f]+-\d+$/.test(n))).toEqual([]);
    lock.release();
    expect(existsSync(lockFilePath(dir))).toBe(false);
  });
});
