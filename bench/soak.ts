/**
 * Memory soak (issue: no growth over 10 minutes at 500 req/s): the real gateway (recording on) in front of
 * the fake upstream at a fixed open-loop rate; every --sample seconds its RSS (/proc) and, from its own
 * /metrics, V8's used heap and the event-loop lag p99 since the previous sample. One row per window
 * (--window seconds, a minute by default): RSS max, heap floor (the lowest sample: after a GC), lag p99
 * (the worst sample). The first minute is the warm-up (it starts from the heap V8 shrank while idle, and the
 * young generation grows back under load); fails (exit 1) when the last window's RSS max or heap floor is more
 * than 5 % above the first window after it, or on errors. The growth over the first window and the RSS trend
 * (least squares over the windows after the warm-up, MB per minute) are printed beside it.
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
  round,
  sleep,
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
  lagP99: number;
}

interface Window {
  index: number;
  rssMax: number;
  heapFloor: number;
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
    lagP99: metric(text, 'gateway_nodejs_eventloop_lag_p99_seconds') * 1000,
  };
}

const mb = (bytes: number) => round(bytes / 1024 / 1024, 1);
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
        heapFloor: Math.min(...samples.map((s) => s.heapUsed)),
        lagP99: Math.max(...samples.map((s) => s.lagP99)),
        load: result,
      };
      rows.push(row);
      console.log(
        `window ${index}/${windows}: RSS ${mb(row.rssMax)} MB, heap ${mb(row.heapFloor)} MB, lag p99 ${round(row.lagP99, 2)} ms, p99 ${result.p99} ms, ${result.achievedRate} req/s, ${result.errors} errors`,
      );
    }
    const base = rows[warmUp];
    const last = rows[rows.length - 1];
    const rssGrowth = growth(base.rssMax, last.rssMax);
    const heapGrowth = growth(base.heapFloor, last.heapFloor);
    const rssGrowthFromFirst = growth(rows[0].rssMax, last.rssMax);
    const rssSlope = slopePerMinute(
      rows.slice(warmUp).map((r) => r.rssMax / 1024 / 1024),
      windowS,
    );
    const errors = rows.reduce((n, r) => n + (r.load?.errors ?? 0), 0);
    console.log('');
    console.log(
      table(
        ['window', 'RSS max MB', 'heap floor MB', 'lag p99 ms', 'latency p99 ms', 'req/s', 'errors'],
        rows.map((r) => [
          r.index <= warmUp ? `${r.index} (warm-up)` : r.index,
          mb(r.rssMax),
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
      `growth after the first minute (window ${warmUp + 1} to ${rows.length}): RSS ${round(rssGrowth * 100, 1)} %, heap ${round(heapGrowth * 100, 1)} % (limit ${GROWTH_LIMIT * 100} %); errors ${errors}: ${pass ? 'PASS' : 'FAIL'}`,
    );
    console.log(
      `RSS from window 1 (warm-up) to ${rows.length}: ${round(rssGrowthFromFirst * 100, 1)} %; RSS trend after the warm-up: ${round(rssSlope, 2)} MB/min`,
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
          heapMb: mb(r.heapFloor),
          lagP99Ms: round(r.lagP99, 2),
          p99: r.load?.p99,
        })),
        warmUpWindows: warmUp,
        growth: {
          rss: round(rssGrowth, 4),
          heap: round(heapGrowth, 4),
          rssFromFirstWindow: round(rssGrowthFromFirst, 4),
          rssMbPerMinute: round(rssSlope, 3),
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
