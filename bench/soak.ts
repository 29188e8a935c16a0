/**
 * Memory soak (issue: no growth over 10 minutes at 500 req/s): the real gateway (recording on) in front of
 * the fake upstream at a fixed open-loop rate; every --sample seconds its RSS (/proc) and, from its own
 * /metrics, V8's live heap (the old generation right after the last full GC), the heap in use, the number of
 * full GCs and the event-loop lag p99 since the previous sample. One row per window (--window seconds, a
 * minute by default): RSS max, live heap (the median sample), the lowest heap in use, full GCs, lag p99 (the
 * worst sample). The heap in use swings by tens of MB between two full GCs, so its lowest sample depends on
 * when the last GC fell; the live heap does not. The first minute is the warm-up (it starts from the heap V8
 * shrank while idle, and the young generation grows back under load); fails (exit 1) when the last window's
 * RSS max or live heap is more than 5 % above the first window after it, or on errors. The growth over the
 * first window and the trends (least squares over the windows after the warm-up, MB per minute) are printed
 * beside it.
 * Before the load, the idle RSS: at start and after --idle seconds (V8 shrinks its heap after ~30 s idle).
 *
 *   npm run bench:soak -- [--minutes 10] [--rate 500] [--window 60] [--sample 5] [--idle 60] [--database-url postgres://...]
 *                         [--pglite-compiler baseline|optimizing] [--pglite-on-loop] [--pglite-shared-buffers MB]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool, request } from 'undici';
import {
  arg,
  Child,
  exitOnHelp,
  loadAverage,
  numberArg,
  openLoop,
  OpenLoopResult,
  pct,
  round,
  sleep,
  sortedCopy,
  stopChild,
  table,
} from './lib';
import { chatBody, JSON_HEADERS, pgliteSettingsArgs, startGateway, startUpstream } from './setup';

const USAGE = `usage: npm run bench:soak -- [--minutes 10] [--rate 500] [--window 60] [--sample 5] [--idle 60] [--database-url postgres://...]
         [--pglite-compiler baseline|optimizing] [--pglite-on-loop] [--pglite-shared-buffers MB]
the gateway's RSS, heap and event-loop lag per window under a constant load; fails on growth over 5 % after the first minute`;

const GROWTH_LIMIT = 0.05;
const WARM_UP_S = 60;

interface Sample {
  rss: number;
  heapUsed: number;
  /** The old generation right after the last full GC (0 before the first). */
  heapLive: number;
  fullGcs: number;
  lagP99: number;
}

interface Window {
  index: number;
  rssMax: number;
  heapLive: number;
  heapFloor: number;
  fullGcs: number;
  lagP99: number;
  load?: OpenLoopResult;
}

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) * 1024;
}

function metric(text: string, name: string): number {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(text);
  return match ? Number(match[1]) : NaN;
}

async function sample(url: string, pid: number): Promise<Sample> {
  const res = await request(`${url}/metrics`);
  const text = await res.body.text();
  return {
    rss: rssOf(pid),
    heapUsed: metric(text, 'gateway_nodejs_heap_size_used_bytes'),
    heapLive: metric(text, 'gateway_nodejs_heap_after_full_gc_bytes'),
    // No line for the kind before its first GC.
    fullGcs: metric(text, 'gateway_nodejs_gc_duration_seconds_count\\{kind="major"\\}') || 0,
    lagP99: metric(text, 'gateway_nodejs_eventloop_lag_p99_seconds') * 1000,
  };
}

const mb = (bytes: number) => round(bytes / 1024 / 1024, 1);

/**
 * A window's live heap: the median of its samples after a full GC; a window without one keeps the
 * previous window's (nothing was measured since); NaN until the first full GC under load.
 */
function liveHeapOf(samples: Sample[], previous: Window | undefined): number {
  const known = samples.map((s) => s.heapLive).filter((v) => v > 0);
  return known.length > 0 ? pct(sortedCopy(known), 50) : (previous?.heapLive ?? NaN);
}
const growth = (first: number, last: number) => (last - first) / first;

/** Least-squares slope of `values` (one per window of `windowS` seconds), per minute. */
function slopePerMinute(values: number[], windowS: number): number {
  const n = values.length;
  if (n < 2) return 0;
  const meanX = (n - 1) / 2;
  const meanY = values.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  values.forEach((y, x) => {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  });
  return (num / den) * (60 / windowS);
}

async function main(): Promise<void> {
  exitOnHelp(USAGE);
  const minutes = numberArg('minutes', 10, 0.1, 240);
  const rate = numberArg('rate', 500, 1, 20_000);
  const windowS = numberArg('window', 60, 5, 3600);
  const sampleS = numberArg('sample', 5, 1, windowS);
  const idleS = numberArg('idle', 60, 0, 600);
  const databaseUrl = arg('database-url', '');
  const warmUp = Math.ceil(WARM_UP_S / windowS); // windows of the first minute
  const windows = Math.max(warmUp + 2, Math.round((minutes * 60) / windowS));
  const work = mkdtempSync(join(tmpdir(), 'gw-soak-'));
  const children: Child[] = [];
  let pool: Pool | undefined;
  console.log(`load average before: ${loadAverage()}, ${cpus().length} cores, node ${process.version}`);
  try {
    const upstream = await startUpstream();
    children.push(upstream.child);
    const gw = await startGateway({
      upstreamUrl: upstream.url,
      work,
      databaseUrl,
      ...pgliteSettingsArgs(),
    });
    children.unshift(gw.child);
    const pid = gw.child.proc.pid!;
    const started = await sample(gw.url, pid);
    await sleep(idleS * 1000);
    const idle = await sample(gw.url, pid);
    console.log(
      `gateway ${gw.url} on ${databaseUrl ? 'PostgreSQL' : 'PGlite (a new database)'}: RSS at start ${mb(started.rss)} MB, idle RSS after ${idleS} s ${mb(idle.rss)} MB, heap ${mb(idle.heapUsed)} MB; ${windows} windows of ${windowS} s at ${rate} req/s`,
    );
    pool = new Pool(gw.url, { connections: 128, keepAliveTimeout: 60_000 });
    const target = { name: 'gateway', pool, path: '/v1/chat/completions', body: chatBody(), headers: JSON_HEADERS };
    const rows: Window[] = [];
    let fullGcsBefore = idle.fullGcs;
    for (let index = 1; index <= windows; index++) {
      const samples: Sample[] = [];
      const load = openLoop(target, rate, windowS);
      const timer = setInterval(() => void sample(gw.url, pid).then((s) => samples.push(s)), sampleS * 1000);
      const result = await load;
      clearInterval(timer);
      samples.push(await sample(gw.url, pid));
      const row: Window = {
        index,
        rssMax: Math.max(...samples.map((s) => s.rss)),
        heapLive: liveHeapOf(samples, rows[rows.length - 1]),
        heapFloor: Math.min(...samples.map((s) => s.heapUsed)),
        fullGcs: samples[samples.length - 1].fullGcs - fullGcsBefore,
        lagP99: Math.max(...samples.map((s) => s.lagP99)),
        load: result,
      };
      fullGcsBefore = samples[samples.length - 1].fullGcs;
      rows.push(row);
      console.log(
        `window ${index}/${windows}: RSS ${mb(row.rssMax)} MB, live heap ${mb(row.heapLive)} MB (${row.fullGcs} full GCs), heap in use >= ${mb(row.heapFloor)} MB, lag p99 ${round(row.lagP99, 2)} ms, p99 ${result.p99} ms, ${result.achievedRate} req/s, ${result.errors} errors`,
      );
    }
    const base = rows[warmUp];
    const last = rows[rows.length - 1];
    const rssGrowth = growth(base.rssMax, last.rssMax);
    // The first live heap after the warm-up (V8 may run its first full GC under load only then).
    const heapBase = rows.slice(warmUp).find((r) => Number.isFinite(r.heapLive)) ?? base;
    const heapGrowth = growth(heapBase.heapLive, last.heapLive);
    const rssGrowthFromFirst = growth(rows[0].rssMax, last.rssMax);
    const trend = (of: (r: Window) => number) =>
      slopePerMinute(
        rows
          .slice(warmUp)
          .map((r) => of(r) / 1024 / 1024)
          .filter(Number.isFinite),
        windowS,
      );
    const rssSlope = trend((r) => r.rssMax);
    const heapSlope = trend((r) => r.heapLive);
    const errors = rows.reduce((n, r) => n + (r.load?.errors ?? 0), 0);
    console.log('');
    console.log(
      table(
        [
          'window',
          'RSS max MB',
          'live heap MB',
          'full GCs',
          'heap in use min MB',
          'lag p99 ms',
          'latency p99 ms',
          'req/s',
          'errors',
        ],
        rows.map((r) => [
          r.index <= warmUp ? `${r.index} (warm-up)` : r.index,
          mb(r.rssMax),
          Number.isFinite(r.heapLive) ? mb(r.heapLive) : 'n/a',
          r.fullGcs,
          mb(r.heapFloor),
          round(r.lagP99, 2),
          r.load?.p99 ?? 'n/a',
          r.load?.achievedRate ?? 'n/a',
          r.load?.errors ?? 0,
        ]),
      ),
    );
    const pass = rssGrowth <= GROWTH_LIMIT && heapGrowth <= GROWTH_LIMIT && errors === 0;
    console.log(
      `growth after the first minute (window ${warmUp + 1} to ${rows.length}): RSS ${round(rssGrowth * 100, 1)} %, live heap ${Number.isFinite(heapGrowth) ? `${round(heapGrowth * 100, 1)} %` : 'n/a (no full GC under load)'} (limit ${GROWTH_LIMIT * 100} %); errors ${errors}: ${pass ? 'PASS' : 'FAIL'}`,
    );
    console.log(
      `RSS from window 1 (warm-up) to ${rows.length}: ${round(rssGrowthFromFirst * 100, 1)} %; trends after the warm-up: RSS ${round(rssSlope, 2)} MB/min, live heap ${round(heapSlope, 2)} MB/min`,
    );
    console.log(
      JSON.stringify({
        bench: 'soak',
        rate,
        windowSeconds: windowS,
        database: databaseUrl ? 'postgres' : 'pglite',
        idle: { rssAtStartMb: mb(started.rss), seconds: idleS, rssMb: mb(idle.rss), heapMb: mb(idle.heapUsed) },
        windows: rows.map((r) => ({
          rssMb: mb(r.rssMax),
          heapLiveMb: mb(r.heapLive),
          heapInUseMinMb: mb(r.heapFloor),
          fullGcs: r.fullGcs,
          lagP99Ms: round(r.lagP99, 2),
          p99: r.load?.p99,
        })),
        warmUpWindows: warmUp,
        growth: {
          rss: round(rssGrowth, 4),
          heap: round(heapGrowth, 4),
          rssFromFirstWindow: round(rssGrowthFromFirst, 4),
          rssMbPerMinute: round(rssSlope, 3),
          heapLiveMbPerMinute: round(heapSlope, 3),
        },
        errors,
        pass,
      }),
    );
    if (!pass) process.exitCode = 1;
  } finally {
    await pool?.close().catch(() => undefined);
    for (const child of children) await stopChild(child, 12_000);
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
