/**
 * Gateway overhead benchmark (SPEC section 9): the same local fake upstream called directly, through a
 * bare undici proxy (--target bare: the floor, the least a Node proxy can do) and through the real
 * gateway process (router -> openai-compatible plugin -> upstream, recording on), in one run, at fixed
 * open-loop rates; then, with --max, closed-loop saturation of each.
 *
 *   npm run bench:overhead -- [--rates 500,1000] [--seconds 10] [--warmup 3] [--rounds 1] [--target bare]
 *                             [--stream] [--max] [--connections 64] [--max-seconds 10] [--profile DIR]
 *                             [--database-url postgres://...] [--workers N] [--pglite-compiler baseline|optimizing] [--pglite-on-loop]
 *                             [--pglite-shared-buffers MB]
 *
 * Processes: this one (load generator, undici keep-alive pools), the fake upstream, the bare proxy, the
 * gateway (`node dist/src/main.js`, LOG_LEVEL=warn, temporary DATA_DIR and config). --stream sends
 * `stream: true` and reports the time to first byte (the first event) too. --profile DIR runs the
 * gateway under `node --cpu-prof` (see bench/profile-summary.ts). --database-url runs the gateway on that
 * (empty, dedicated) PostgreSQL database instead of the embedded PGlite; --workers N (Postgres) runs it
 * with WORKERS=N. The recording check: one request_log row per gateway request after SIGTERM.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Pool } from 'undici';
import { arg, Child, closedLoop, exitOnHelp, flag, loadAverage, numberArg, openLoop, sleep, stopChild } from './lib';
import { countRequestLog, modelCallsOf, Phase, report, Saturation, TargetName, withCpu } from './overhead-report';
import {
  chatBody,
  JSON_HEADERS,
  MODEL,
  pgliteSettingsArgs,
  startBareProxy,
  startGateway,
  startUpstream,
} from './setup';
import type { PgliteSettings } from './setup';

const USAGE = `usage: npm run bench:overhead -- [--rates 500,1000] [--seconds 10] [--warmup 3] [--rounds 1] [--target bare]
         [--stream] [--max] [--connections 64] [--max-seconds 10] [--profile DIR]
         [--database-url postgres://...] [--workers N] [--pglite-compiler baseline|optimizing] [--pglite-on-loop]
         [--pglite-shared-buffers MB]
the gateway's overhead over a local fake upstream (and over a bare undici proxy with --target bare),
at fixed rates (and at saturation with --max)`;

interface Options {
  rates: number[];
  seconds: number;
  warmup: number;
  rounds: number;
  bare: boolean;
  stream: boolean;
  max: boolean;
  connections: number;
  maxSeconds: number;
  databaseUrl: string;
  workers: number;
  profileDir: string;
  pglite: PgliteSettings;
}

function options(): Options {
  exitOnHelp(USAGE);
  const rates = arg('rates', '500,1000')
    .split(',')
    .map((r) => Number(r.trim()))
    .filter((r) => Number.isFinite(r) && r > 0 && r <= 20_000);
  if (rates.length === 0) throw new Error('--rates: give rates in requests/s, e.g. 500,1000');
  const targets = arg('target', '').split(',').filter(Boolean);
  const unknown = targets.filter((t) => !['bare', 'direct', 'gateway'].includes(t));
  if (unknown.length)
    throw new Error(`--target: unknown ${unknown.join(', ')} (direct and gateway always run; add bare)`);
  const databaseUrl = arg('database-url', '');
  const workers = numberArg('workers', 1, 1, 64);
  if (workers > 1 && !databaseUrl) throw new Error('--workers N > 1 needs --database-url (PGlite runs one process)');
  const profile = arg('profile', '');
  return {
    rates,
    seconds: numberArg('seconds', 10, 1, 120),
    warmup: numberArg('warmup', 3, 0, 60),
    rounds: numberArg('rounds', 1, 1, 5),
    bare: targets.includes('bare'),
    stream: flag('stream'),
    max: flag('max'),
    connections: numberArg('connections', 64, 1, 512),
    maxSeconds: numberArg('max-seconds', 10, 1, 60),
    databaseUrl,
    workers,
    profileDir: profile ? resolve(profile) : '',
    pglite: pgliteSettingsArgs(),
  };
}

function pgliteLabel(p: PgliteSettings): string {
  const parts = [p.pgliteThread === false ? 'on the event loop' : 'its own thread'];
  if (p.pgliteSharedBuffersMb !== undefined) parts.push(`shared_buffers ${p.pgliteSharedBuffersMb} MB`);
  if (p.pgliteLowMemory !== undefined) parts.push(p.pgliteLowMemory ? 'baseline compiler only' : 'optimizing compiler');
  return parts.join(', ');
}

async function probe(pool: Pool, body: string, stream: boolean): Promise<void> {
  const res = await pool.request({ path: '/v1/chat/completions', method: 'POST', headers: JSON_HEADERS, body });
  const text = await res.body.text();
  if (res.statusCode !== 200 || res.headers['x-gateway-model'] !== MODEL)
    throw new Error(`the gateway did not route to ${MODEL}: HTTP ${res.statusCode} ${text.slice(0, 300)}`);
  if (stream && !text.trimEnd().endsWith('data: [DONE]'))
    throw new Error(`the stream did not end: ${text.slice(-300)}`);
  console.log(`probe: HTTP 200, x-gateway-model ${String(res.headers['x-gateway-model'])}, ${text.length} bytes`);
}

async function main(): Promise<void> {
  const o = options();
  const work = mkdtempSync(join(tmpdir(), 'gw-bench-'));
  const loadBefore = loadAverage();
  console.log(`load average before: ${loadBefore} (1/5/15 min), ${cpus().length} cores, node ${process.version}`);
  const children: Child[] = [];
  const pools: Pool[] = [];
  let gateway: Child | undefined;
  try {
    const upstream = await startUpstream();
    children.push(upstream.child);
    const bare = o.bare ? await startBareProxy(upstream.url) : undefined;
    if (bare) children.push(bare.child);
    // A PostgreSQL database outlives the run: count only this run's rows and calls (an embedded one is new).
    const rowsBefore = o.databaseUrl ? ((await countRequestLog(o.databaseUrl, '', true)) ?? 0) : 0;
    const gw = await startGateway({ ...o, ...o.pglite, upstreamUrl: upstream.url, work });
    gateway = gw.child;
    const callsBefore = o.databaseUrl ? ((await modelCallsOf(gw.url)) ?? 0) : 0;
    console.log(
      `upstream ${upstream.url}${bare ? `, bare proxy ${bare.url}` : ''}, gateway ${gw.url} (${o.workers} worker${o.workers > 1 ? 's' : ''}), database ${o.databaseUrl ? 'PostgreSQL (--database-url)' : `embedded PGlite (${pgliteLabel(o.pglite)})`}${o.stream ? ', streaming' : ''}${o.profileDir ? ` (cpu profile -> ${o.profileDir})` : ''}`,
    );

    const poolOpts = {
      connections: 256,
      pipelining: 1,
      keepAliveTimeout: 60_000,
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    };
    const body = chatBody(o.stream);
    const urls: Array<[TargetName, string, Child]> = [['direct', upstream.url, upstream.child]];
    if (bare) urls.push(['bare', bare.url, bare.child]);
    urls.push(['gateway', gw.url, gw.child]);
    const targets = urls.map(([name, url, child]) => {
      const pool = new Pool(url, poolOpts);
      pools.push(pool);
      const target = { name, pool, path: '/v1/chat/completions', body, headers: JSON_HEADERS, stream: o.stream };
      return { name, target, pid: child.proc.pid };
    });
    const viaGateway = targets[targets.length - 1];
    let gatewayRequests = 0;
    await probe(viaGateway.target.pool, body, o.stream);
    gatewayRequests++;

    // Warm-up, interleaved (JIT, pools, the database write path), not measured.
    if (o.warmup > 0)
      for (const t of [...targets, viaGateway]) {
        const r = await openLoop(t.target, o.rates[0], o.warmup);
        if (t === viaGateway) gatewayRequests += r.scheduled;
      }
    if (o.warmup > 0) await sleep(1500);

    // Measured phases: for each rate and round, each target in turn (direct, bare, gateway).
    const phases: Phase[] = [];
    for (const rate of o.rates)
      for (let round = 1; round <= o.rounds; round++)
        for (const t of targets) {
          const { result, cpuUs } = await withCpu(t.pid, () => openLoop(t.target, rate, o.seconds));
          if (t === viaGateway) gatewayRequests += result.scheduled;
          phases.push({ rate, round, target: t.name, result, cpuUs });
          // Let the recorder's flush settle before the next phase.
          await sleep(t === viaGateway ? 1500 : 500);
        }

    const saturation: Saturation[] = [];
    if (o.max)
      for (const t of targets) {
        const { result, cpuUs } = await withCpu(t.pid, () => closedLoop(t.target, o.connections, o.maxSeconds));
        if (t === viaGateway) gatewayRequests += result.ok + result.errors;
        saturation.push({ target: t.name, result, cpuUs });
        await sleep(1500);
      }
    const loadAfter = loadAverage();

    // Recording check: model_performance calls as the gateway reports them, then request_log after SIGTERM.
    await sleep(2500);
    const callsAfter = await modelCallsOf(gw.url);
    const modelCalls = callsAfter === undefined ? undefined : callsAfter - callsBefore;
    await Promise.all(pools.splice(0).map((p) => p.close()));
    const stopStarted = Date.now();
    const stopped = await stopChild(gw.child);
    const stopMs = Date.now() - stopStarted;
    gateway = undefined;
    const rowsAfter = await countRequestLog(o.databaseUrl, gw.dataDir);
    const requestLogRows = rowsAfter === undefined ? undefined : rowsAfter - rowsBefore;
    report({
      ...o,
      phases,
      saturation,
      recording: { gatewayRequests, requestLogRows, modelCalls },
      stop: { ms: stopMs, ...stopped },
      loadBefore,
      loadAfter,
    });
  } finally {
    await Promise.all(pools.map((p) => p.close().catch(() => undefined)));
    if (gateway) await stopChild(gateway);
    for (const child of children) await stopChild(child, 3000);
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
