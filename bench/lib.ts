/**
 * Shared helpers of the benchmarks: argument parsing, percentiles, child processes, and the two
 * load shapes (open loop at a constant rate, closed loop with N connections).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { Pool } from 'undici';

export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && i + 1 < process.argv.length && !process.argv[i + 1].startsWith('--')) return process.argv[i + 1];
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  return eq ? eq.slice(name.length + 3) : fallback;
}

/** `--help` or `-h`: prints the usage and exits 0 before anything starts. */
export function exitOnHelp(usage: string): void {
  if (!process.argv.slice(2).some((a) => a === '--help' || a === '-h')) return;
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}

export function flag(name: string): boolean {
  return process.argv.includes(`--${name}`);
}

export function numberArg(name: string, fallback: number, min: number, max: number): number {
  const v = Number(arg(name, String(fallback)));
  if (!Number.isFinite(v) || v < min || v > max)
    throw new Error(`--${name} must be a number between ${min} and ${max}`);
  return v;
}

/** Percentile (nearest rank) of an ascending array. */
export function pct(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export function sortedCopy(values: ArrayLike<number>, n = values.length): Float64Array {
  const out = Float64Array.from({ length: n }, (_, i) => values[i]);
  out.sort();
  return out;
}

export function round(v: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

export function loadAverage(): string {
  return loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A free TCP port on 127.0.0.1 (the gateway logs its URL at info level only, and the bench runs it at warn). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux); undefined elsewhere. */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the file (11 and 12 after the command name), in clock ticks (USER_HZ = 100).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

export interface Child {
  proc: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnNode(args: string[], env: NodeJS.ProcessEnv, cwd: string): Child {
  const proc = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer) => {
    out += d.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { proc, output: () => out, exited };
}

export async function waitUntil<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
  child?: Child,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (child && child.proc.exitCode !== null)
      throw new Error(`${what}: the process exited (${child.proc.exitCode}); output:\n${child.output().slice(-3000)}`);
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${child ? `; output:\n${child.output().slice(-3000)}` : ''}`);
    await sleep(100);
  }
}

/** SIGTERM, then SIGKILL after the grace period. */
export async function stopChild(
  child: Child,
  graceMs = 12_000,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; killed: boolean }> {
  if (child.proc.exitCode !== null || child.proc.signalCode !== null) return { ...(await child.exited), killed: false };
  child.proc.kill('SIGTERM');
  const timer = sleep(graceMs).then(() => 'timeout' as const);
  const r = await Promise.race([child.exited, timer]);
  if (r !== 'timeout') return { ...r, killed: false };
  child.proc.kill('SIGKILL');
  return { ...(await child.exited), killed: true };
}

export interface Target {
  name: string;
  pool: Pool;
  path: string;
  body: string;
  headers: Record<string, string>;
  /** The answer is an event stream: time to first byte is its first chunk, and it must end with [DONE]. */
  stream?: boolean;
}

export interface OpenLoopResult {
  rate: number;
  seconds: number;
  scheduled: number;
  ok: number;
  errors: number;
  errorSamples: string[];
  /** Completed requests per second over the phase (from the first scheduled send to the last completion). */
  achievedRate: number;
  /** ms, from the scheduled send time (coordinated-omission corrected). */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** ms, from the actual send (service time). */
  serviceP50: number;
  serviceP99: number;
  /** ms the scheduler was late sending (timer granularity, event-loop delay of the bench process). */
  sendLagP50: number;
  sendLagP99: number;
  /** ms from the scheduled send time to the first body bytes (the first event of a stream). */
  ttfbP50: number;
  ttfbP99: number;
}

/** Error text, or undefined; `first` gets the time the first body bytes arrived (time to first byte). */
async function oneRequest(t: Target, first?: (at: number) => void): Promise<string | undefined> {
  const res = await t.pool.request({ path: t.path, method: 'POST', headers: t.headers, body: t.body });
  if (res.statusCode !== 200) {
    const text = await res.body.text();
    return `HTTP ${res.statusCode}: ${text.slice(0, 200)}`;
  }
  if (!t.stream) {
    first?.(performance.now());
    await res.body.dump();
    return undefined;
  }
  let last = '';
  for await (const chunk of res.body) {
    if (!last) first?.(performance.now());
    last = (chunk as Buffer).toString();
  }
  return last.includes('[DONE]') ? undefined : `the stream did not end with [DONE]: ${last.slice(-200)}`;
}

/**
 * Open loop: request i is due at t0 + i/rate whatever happened to the others; its latency runs from
 * that due time, so a stall shows as queueing instead of silently lowering the offered load.
 */
export function openLoop(t: Target, rate: number, seconds: number): Promise<OpenLoopResult> {
  const total = Math.max(1, Math.round(rate * seconds));
  const interval = 1000 / rate;
  const latency = new Float64Array(total);
  const service = new Float64Array(total);
  const lag = new Float64Array(total);
  const ttfb = new Float64Array(total);
  let sent = 0;
  let finished = 0;
  let ok = 0;
  let errors = 0;
  const errorSamples: string[] = [];
  const t0 = performance.now() + 20;
  let lastDone = t0;
  return new Promise((resolve) => {
    const complete = () => {
      clearTimeout(hardStop);
      const lat = sortedCopy(latency, ok);
      const svc = sortedCopy(service, ok);
      const lg = sortedCopy(lag, sent);
      const tb = sortedCopy(ttfb, ok);
      resolve({
        rate,
        seconds,
        scheduled: total,
        ok,
        errors: errors + (total - finished),
        errorSamples,
        achievedRate: round(ok / ((lastDone - t0) / 1000), 1),
        p50: round(pct(lat, 50)),
        p90: round(pct(lat, 90)),
        p99: round(pct(lat, 99)),
        max: round(pct(lat, 100)),
        serviceP50: round(pct(svc, 50)),
        serviceP99: round(pct(svc, 99)),
        sendLagP50: round(pct(lg, 50)),
        sendLagP99: round(pct(lg, 99)),
        ttfbP50: round(pct(tb, 50)),
        ttfbP99: round(pct(tb, 99)),
      });
    };
    // Bounded: whatever has not answered 30 s after the last send counts as an error.
    const hardStop = setTimeout(complete, seconds * 1000 + 30_000);
    const fire = (due: number) => {
      const start = performance.now();
      lag[sent] = start - due;
      let firstByte = start;
      oneRequest(t, (at) => (firstByte = at)).then(
        (err) => {
          const end = performance.now();
          if (err) {
            errors++;
            if (errorSamples.length < 5) errorSamples.push(err);
          } else {
            ttfb[ok] = firstByte - due;
            latency[ok] = end - due;
            service[ok] = end - start;
            ok++;
          }
          lastDone = end;
          if (++finished === total) complete();
        },
        (e: Error) => {
          errors++;
          if (errorSamples.length < 5) errorSamples.push(`${e.name}: ${e.message}`);
          lastDone = performance.now();
          if (++finished === total) complete();
        },
      );
    };
    const tick = () => {
      const now = performance.now();
      while (sent < total && t0 + sent * interval <= now) {
        fire(t0 + sent * interval);
        sent++;
      }
      if (sent < total) setTimeout(tick, Math.max(0, t0 + sent * interval - performance.now()));
    };
    setTimeout(tick, 20);
  });
}

export interface ClosedLoopResult {
  connections: number;
  seconds: number;
  ok: number;
  errors: number;
  errorSamples: string[];
  reqPerSec: number;
  p50: number;
  p99: number;
}

/** Closed loop: N workers, each sending its next request as soon as the previous one answered. */
export async function closedLoop(t: Target, connections: number, seconds: number): Promise<ClosedLoopResult> {
  const lat: number[] = [];
  let errors = 0;
  const errorSamples: string[] = [];
  const start = performance.now();
  const end = start + seconds * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const s = performance.now();
      try {
        const err = await oneRequest(t);
        if (err) {
          errors++;
          if (errorSamples.length < 5) errorSamples.push(err);
        } else lat.push(performance.now() - s);
      } catch (e) {
        errors++;
        if (errorSamples.length < 5) errorSamples.push(`${(e as Error).name}: ${(e as Error).message}`);
        await sleep(10);
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsed = (performance.now() - start) / 1000;
  const sorted = sortedCopy(lat);
  return {
    connections,
    seconds,
    ok: lat.length,
    errors,
    errorSamples,
    reqPerSec: round(lat.length / elapsed, 0),
    p50: round(pct(sorted, 50)),
    p99: round(pct(sorted, 99)),
  };
}

export function table(headers: string[], rows: Array<Array<string | number>>): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, c) => Math.max(...cells.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((v, c) => v.padStart(widths[c])).join('  ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}
