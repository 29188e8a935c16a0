import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/common/app-info';

/** Takes the lock at an agreed instant (so that both processes collide), then holds it until stdin ends. */
const RACER = `
  const { DataDirLock } = require(${JSON.stringify(join(PROJECT_ROOT, 'dist/src/database/data-dir-lock.js'))});
  const [dir, startAt] = process.argv.slice(1);
  const lock = new DataDirLock(dir);
  while (Date.now() < Number(startAt)) {}
  try {
    lock.acquire();
  } catch (err) {
    process.stderr.write(err.message);
    process.exit(3);
  }
  process.stdout.write('won');
  process.stdin.on('end', () => { lock.release(); process.exit(0); });
  process.stdin.resume();
`;

interface Racer {
  child: ChildProcess;
  out: string;
  err: string;
  /** Resolves 'won' once the lock is held, or the exit code when the process gave up. */
  settled: Promise<'won' | number | null>;
}

function startRacer(dir: string, startAt: number): Racer {
  const child = spawn(process.execPath, ['-e', RACER, dir, String(startAt)], { stdio: ['pipe', 'pipe', 'pipe'] });
  const racer: Racer = { child, out: '', err: '', settled: Promise.resolve(null) };
  racer.settled = new Promise((resolve) => {
    child.stdout.on('data', (d) => {
      racer.out += d;
      if (racer.out === 'won') resolve('won');
    });
    child.stderr.on('data', (d) => (racer.err += d));
    child.on('exit', (code) => resolve(code));
  });
  return racer;
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

describe('the data-directory lock (npm run build first)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'lock-race-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('two processes starting at once on a stale lock: exactly one wins, the other names it', async () => {
    const stale = { pid: await deadPid(), startedAt: '2020-01-01T00:00:00.000Z', url: 'http://127.0.0.1:1' };
    writeFileSync(join(dir, 'gateway.lock'), JSON.stringify(stale));
    const startAt = Date.now() + 1500;
    const racers = [startRacer(dir, startAt), startRacer(dir, startAt)];
    const outcomes = await Promise.all(racers.map((r) => r.settled));
    try {
      expect(outcomes.filter((o) => o === 'won')).toHaveLength(1);
      const winner = racers[outcomes.indexOf('won')];
      const loser = racers[1 - outcomes.indexOf('won')];
      expect(outcomes[racers.indexOf(loser)]).toBe(3);
      expect(loser.err).toContain(`DATA_DIR ${dir} is in use by process ${winner.child.pid}`);
      // The holder info the MCP stdio bridge reads names the winner, complete (no partial write).
      const holder = JSON.parse(readFileSync(join(dir, 'gateway.lock'), 'utf8'));
      expect(holder).toEqual({ pid: winner.child.pid, startedAt: expect.any(String) });
      winner.child.stdin!.end();
      await new Promise((resolve) => winner.child.on('exit', resolve));
      // Released: no lock, no takeover claim or temporary file left behind.
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      for (const r of racers) r.child.kill('SIGKILL');
    }
  });

  it('a lock held by a live process is refused, and a stale one of a dead process is taken over', async () => {
    const startAt = Date.now();
    const holder = startRacer(dir, startAt);
    expect(await holder.settled).toBe('won');
    const second = startRacer(dir, startAt);
    try {
      expect(await second.settled).toBe(3);
      expect(second.err).toContain(`in use by process ${holder.child.pid}`);
      holder.child.kill('SIGKILL'); // dies without releasing: its lock stays behind, stale
      await new Promise((resolve) => holder.child.on('exit', resolve));
      expect(JSON.parse(readFileSync(join(dir, 'gateway.lock'), 'utf8')).pid).toBe(holder.child.pid);
      const third = startRacer(dir, Date.now());
      expect(await third.settled).toBe('won');
      third.child.stdin!.end();
      await new Promise((resolve) => third.child.on('exit', resolve));
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      holder.child.kill('SIGKILL');
      second.child.kill('SIGKILL');
    }
  });
});
