/**
 * Gateway overhead benchmark (SPEC section 9): the same local fake upstream called directly and
 * through the real gateway process (router -> openai-compatible plugin -> upstream, recording on),
 * in one run, at fixed open-loop rates; then, with --max, closed-loop saturation of both.
 *
 *   npm run bench:overhead -- [--rates 500,1000] [--seconds 10] [--warmup 3] [--rounds 1]
 *                             [--max] [--connections 64] [--max-seconds 10] [--profile DIR]
 *                             [--database-url postgres://...]
 *
 * Processes: this one (load generator, undici keep-alive pools), the fake upstream, the gateway
 * (`node dist/src/main.js`, LOG_LEVEL=warn, temporary DATA_DIR and config). --profile DIR runs the
 * gateway under `node --cpu-prof` and leaves the .cpuprofile in DIR (see bench/profile-summary.ts).
 * --database-url runs the gateway on that (empty, dedicated) PostgreSQL database instead of the embedded PGlite.
 */
import { PGlite } from '@electric-sql/pglite';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client as PgClient } from 'pg';
import { Pool, request } from 'undici';
import { PROJECT_ROOT } from '../src/common/app-info';
import { BENCH_MODELS } from './fake-upstream';
import {
  arg,
  Child,
  closedLoop,
  ClosedLoopResult,
  exitOnHelp,
  flag,
  freePort,
  loadAverage,
  numberArg,
  openLoop,
  processCpuMs,
  OpenLoopResult,
  round,
  sleep,
  spawnNode,
  stopChild,
  table,
  Target,
  waitUntil,
} from './lib';

const MODEL = BENCH_MODELS[0];
const CHAT_BODY = JSON.stringify({
  model: MODEL,
  messages: [
    { role: 'system', content: 'You are a helpful assistant.' },
    { role: 'user', content: 'Say hello in one short sentence.' },
  ],
  max_tokens: 32,
});
const JSON_HEADERS = { 'content-type': 'application/json' };

function gatewayConfig(upstreamUrl: string): string {
  // YAML is a superset of JSON.
  const config = {
    server: { host: '127.0.0.1', port: 3000 },
    logLevel: 'warn',
    providers: [
      {
        id: 'bench',
        plugin: 'openai-compatible',
        options: { baseUrl: `${upstreamUrl}/v1`, models: [...BENCH_MODELS], maxConnections: 128 },
      },
    ],
    models: [
      { id: 'bench-fast', provider: 'bench', layer: 'fast', price: { input: 0.15, output: 0.6 }, contextWindow: 16384 },
      {
        id: 'bench-balanced',
        provider: 'bench',
        layer: 'balanced',
        price: { input: 1, output: 4 },
        contextWindow: 65536,
      },
      { id: 'bench-deep', provider: 'bench', layer: 'deep', price: { input: 5, output: 20 }, contextWindow: 200000 },
    ],
    // Recording exactly as the default config has it (batches of 200, flushed every second).
    recording: { batchSize: 200, flushIntervalMs: 1000, retentionDays: 30, redactContent: true },
    // The optimizer is a cron job off the request path; kept out so a 15-minute tick cannot land inside a phase.
    optimizer: { enabled: false },
    // The default 600/min per caller would refuse almost all of the load; the limiter itself still runs.
    security: { rateLimit: { requestsPerMinute: 100_000_000 } },
  };
  return JSON.stringify(config, null, 2);
}

interface PhaseRow {
  rate: number;
  direct: OpenLoopResult;
  gateway: OpenLoopResult;
  /** CPU µs per request: the gateway process in the gateway phase, the upstream process in the direct phase. */
  gatewayCpuUs?: number;
  upstreamCpuUs?: number;
}

/** Runs a phase and measures the CPU a process used during it, in µs per scheduled request. */
async function withCpu<T extends { scheduled?: number; ok?: number; errors?: number }>(
  pid: number | undefined,
  run: () => Promise<T>,
): Promise<{ result: T; cpuUs?: number }> {
  const before = processCpuMs(pid);
  const result = await run();
  const after = processCpuMs(pid);
  const n = result.scheduled ?? (result.ok ?? 0) + (result.errors ?? 0);
  return {
    result,
    cpuUs: before === undefined || after === undefined || n === 0 ? undefined : round(((after - before) * 1000) / n, 0),
  };
}

function merge(results: OpenLoopResult[]): OpenLoopResult {
  // Rounds are reported separately only in the JSON; the table uses the worst round (highest p99).
  return results.reduce((a, b) => (b.p99 > a.p99 ? b : a));
}

const USAGE = `usage: npm run bench:overhead -- [--rates 500,1000] [--seconds 10] [--warmup 3] [--rounds 1]
         [--max] [--connections 64] [--max-seconds 10] [--profile DIR] [--database-url postgres://...]
the gateway's overhead over a local fake upstream, at fixed rates (and at saturation with --max)`;

async function main(): Promise<void> {
  exitOnHelp(USAGE);
  const rates = arg('rates', '500,1000')
    .split(',')
    .map((r) => Number(r.trim()))
    .filter((r) => Number.isFinite(r) && r > 0 && r <= 20_000);
  if (rates.length === 0) throw new Error('--rates: give rates in requests/s, e.g. 500,1000');
  const seconds = numberArg('seconds', 10, 1, 120);
  const warmup = numberArg('warmup', 3, 0, 60);
  const rounds = numberArg('rounds', 1, 1, 5);
  const doMax = flag('max');
  const connections = numberArg('connections', 64, 1, 512);
  const maxSeconds = numberArg('max-seconds', 10, 1, 60);
  const databaseUrl = arg('database-url', '');
  const profileArg = arg('profile', '');
  const profileDir = profileArg ? resolve(profileArg) : '';

  const work = mkdtempSync(join(tmpdir(), 'gw-bench-'));
  const dataDir = join(work, 'data');
  mkdirSync(dataDir);
  const loadBefore = loadAverage();
  console.log(`load average before: ${loadBefore} (1/5/15 min), ${cpus().length} cores, node ${process.version}`);

  const baseEnv = { ...process.env };
  delete baseEnv.DATABASE_URL;
  delete baseEnv.REDIS_URL;
  delete baseEnv.GATEWAY_CONFIG;

  let upstream: Child | undefined;
  let gateway: Child | undefined;
  const pools: Pool[] = [];
  try {
    // 1. The fake upstream, in its own process.
    upstream = spawnNode([join(PROJECT_ROOT, 'dist/bench/fake-upstream.js'), '0'], baseEnv, PROJECT_ROOT);
    const up = upstream;
    const upstreamUrl = await waitUntil(
      () => Promise.resolve(up.output().match(/listening on (http:\/\/[^\s]+)/)?.[1]),
      10_000,
      'the fake upstream',
      up,
    );

    // 2. The real gateway.
    const configFile = join(work, 'gateway.yaml');
    writeFileSync(configFile, gatewayConfig(upstreamUrl));
    const port = await freePort();
    const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
    if (profileDir) mkdirSync(profileDir, { recursive: true });
    gateway = spawnNode(
      [...nodeArgs, join(PROJECT_ROOT, 'dist/src/main.js')],
      {
        ...baseEnv,
        GATEWAY_CONFIG: configFile,
        DATA_DIR: dataDir,
        PORT: String(port),
        LOG_LEVEL: 'warn',
        ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      },
      PROJECT_ROOT,
    );
    const gatewayUrl = `http://127.0.0.1:${port}`;
    const gw = gateway;
    await waitUntil(
      async () => ((await request(`${gatewayUrl}/health`)).statusCode < 500 ? true : undefined),
      60_000,
      'the gateway to answer /health',
      gw,
    );
    console.log(
      `upstream ${upstreamUrl}, gateway ${gatewayUrl}, database ${databaseUrl ? 'PostgreSQL (DATABASE_URL)' : 'embedded PGlite'}${profileDir ? ` (cpu profile -> ${profileDir})` : ''}`,
    );

    const poolOpts = {
      connections: 256,
      pipelining: 1,
      keepAliveTimeout: 60_000,
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    };
    const directPool = new Pool(upstreamUrl, poolOpts);
    const gatewayPool = new Pool(gatewayUrl, poolOpts);
    pools.push(directPool, gatewayPool);
    const direct: Target = {
      name: 'direct',
      pool: directPool,
      path: '/v1/chat/completions',
      body: CHAT_BODY,
      headers: JSON_HEADERS,
    };
    const viaGateway: Target = {
      name: 'gateway',
      pool: gatewayPool,
      path: '/v1/chat/completions',
      body: CHAT_BODY,
      headers: JSON_HEADERS,
    };
    let gatewayRequests = 0;

    // Sanity: the gateway routes the concrete model to the upstream.
    const probe = await gatewayPool.request({
      path: '/v1/chat/completions',
      method: 'POST',
      headers: JSON_HEADERS,
      body: CHAT_BODY,
    });
    gatewayRequests++;
    const probeBody = (await probe.body.json()) as { choices?: Array<{ message?: { content?: string } }> };
    if (probe.statusCode !== 200 || probe.headers['x-gateway-model'] !== MODEL) {
      throw new Error(
        `the gateway did not route to ${MODEL}: HTTP ${probe.statusCode} ${JSON.stringify(probeBody).slice(0, 300)}`,
      );
    }
    console.log(
      `probe: HTTP 200, x-gateway-model ${String(probe.headers['x-gateway-model'])}, x-gateway-layer ${String(probe.headers['x-gateway-layer'])}, answer "${probeBody.choices?.[0]?.message?.content}"`,
    );

    // 3. Warm-up, interleaved (JIT, pools, PGlite write path), not measured.
    if (warmup > 0) {
      const warmRate = rates[0];
      for (const t of [viaGateway, direct, viaGateway]) {
        const r = await openLoop(t, warmRate, warmup);
        if (t === viaGateway) gatewayRequests += r.scheduled;
      }
      await sleep(1500);
    }

    // 4. Measured phases: for each rate, direct then gateway (repeated --rounds times).
    const rows: PhaseRow[] = [];
    const perRound: Array<{ rate: number; round: number; direct: OpenLoopResult; gateway: OpenLoopResult }> = [];
    for (const rate of rates) {
      const d: OpenLoopResult[] = [];
      const g: OpenLoopResult[] = [];
      const gCpu: number[] = [];
      const dCpu: number[] = [];
      for (let i = 0; i < rounds; i++) {
        const dr = await withCpu(upstream.proc.pid, () => openLoop(direct, rate, seconds));
        d.push(dr.result);
        if (dr.cpuUs !== undefined) dCpu.push(dr.cpuUs);
        await sleep(500);
        const gw = await withCpu(gateway.proc.pid, () => openLoop(viaGateway, rate, seconds));
        const gr = gw.result;
        if (gw.cpuUs !== undefined) gCpu.push(gw.cpuUs);
        gatewayRequests += gr.scheduled;
        g.push(gr);
        perRound.push({ rate, round: i + 1, direct: d[i], gateway: gr });
        // Let the recorder's flush settle before the next phase.
        await sleep(1500);
      }
      const avg = (xs: number[]) => (xs.length ? round(xs.reduce((a, b) => a + b, 0) / xs.length, 0) : undefined);
      rows.push({ rate, direct: merge(d), gateway: merge(g), gatewayCpuUs: avg(gCpu), upstreamCpuUs: avg(dCpu) });
    }

    // 5. Saturation (closed loop).
    let sat:
      | { direct: ClosedLoopResult; gateway: ClosedLoopResult; gatewayCpuUs?: number; upstreamCpuUs?: number }
      | undefined;
    if (doMax) {
      const sd = await withCpu(upstream.proc.pid, () => closedLoop(direct, connections, maxSeconds));
      await sleep(1000);
      const sg = await withCpu(gateway.proc.pid, () => closedLoop(viaGateway, connections, maxSeconds));
      gatewayRequests += sg.result.ok + sg.result.errors;
      sat = { direct: sd.result, gateway: sg.result, gatewayCpuUs: sg.cpuUs, upstreamCpuUs: sd.cpuUs };
      await sleep(1500);
    }
    const loadAfter = loadAverage();

    // 6. Recording check, live: model_performance call counts as the gateway reports them.
    await sleep(2500);
    let modelCalls: number | undefined;
    try {
      const res = await request(`${gatewayUrl}/tools/analyze_metrics`, {
        method: 'POST',
        headers: JSON_HEADERS,
        body: JSON.stringify({ includeReport: true }),
      });
      const body = (await res.body.json()) as {
        report?: { counts?: { modelCalls?: number } };
        result?: { report?: { counts?: { modelCalls?: number } } };
      };
      modelCalls = body.report?.counts?.modelCalls ?? body.result?.report?.counts?.modelCalls;
      if (modelCalls === undefined)
        console.log(`analyze_metrics answered HTTP ${res.statusCode}: ${JSON.stringify(body).slice(0, 300)}`);
    } catch (err) {
      console.log(`analyze_metrics failed: ${(err as Error).message}`);
    }

    await Promise.all(pools.map((p) => p.close()));
    pools.length = 0;

    // 7. Clean stop (SIGTERM: the gateway drains and flushes), then count request_log in its database.
    const stopStarted = Date.now();
    const stopped = await stopChild(gateway);
    const stopMs = Date.now() - stopStarted;
    gateway = undefined;
    let requestLogRows: number | undefined;
    try {
      if (databaseUrl) {
        const client = new PgClient({ connectionString: databaseUrl });
        await client.connect();
        requestLogRows = (await client.query<{ n: number }>('select count(*)::int as n from request_log')).rows[0].n;
        await client.end();
      } else {
        const db = new PGlite(join(dataDir, 'pglite'));
        await db.waitReady;
        const r = await db.query<{ n: number }>('select count(*)::int as n from request_log');
        requestLogRows = r.rows[0].n;
        await db.close();
      }
    } catch (err) {
      console.log(`counting request_log failed: ${(err as Error).message}`);
    }

    // 8. Report.
    console.log('');
    console.log(
      `open loop, ${seconds} s per phase, latency in ms from the scheduled send time (${rounds > 1 ? `worst of ${rounds} rounds` : 'one round'})`,
    );
    console.log(
      table(
        [
          'rate',
          'direct p50',
          'direct p99',
          'gateway p50',
          'gateway p99',
          'overhead p50',
          'overhead p99',
          'achieved direct',
          'achieved gw',
          'errors d/gw',
        ],
        rows.map((r) => [
          r.rate,
          r.direct.p50.toFixed(3),
          r.direct.p99.toFixed(3),
          r.gateway.p50.toFixed(3),
          r.gateway.p99.toFixed(3),
          (r.gateway.p50 - r.direct.p50).toFixed(3),
          (r.gateway.p99 - r.direct.p99).toFixed(3),
          r.direct.achievedRate,
          r.gateway.achievedRate,
          `${r.direct.errors}/${r.gateway.errors}`,
        ]),
      ),
    );
    console.log('');
    console.log(
      'detail (ms): p90, max; service time from the actual send p50/p99; send lag of the load generator p50/p99;',
    );
    console.log(
      'CPU µs per request of the process serving the phase (upstream for direct, gateway for gateway; /proc, 10 ms ticks)',
    );
    console.log(
      table(
        ['rate', 'target', 'p90', 'max', 'svc p50', 'svc p99', 'lag p50', 'lag p99', 'CPU µs/req'],
        rows.flatMap((r) =>
          (['direct', 'gateway'] as const).map((k) => [
            r.rate,
            k,
            r[k].p90.toFixed(3),
            r[k].max.toFixed(3),
            r[k].serviceP50.toFixed(3),
            r[k].serviceP99.toFixed(3),
            r[k].sendLagP50.toFixed(3),
            r[k].sendLagP99.toFixed(3),
            (k === 'direct' ? r.upstreamCpuUs : r.gatewayCpuUs) ?? 'n/a',
          ]),
        ),
      ),
    );
    for (const r of rows)
      for (const k of ['direct', 'gateway'] as const)
        if (r[k].errorSamples.length) console.log(`errors (${k} @ ${r.rate}/s): ${r[k].errorSamples.join(' | ')}`);
    if (sat) {
      console.log('');
      console.log(`saturation, closed loop, ${connections} connections, ${maxSeconds} s`);
      console.log(
        table(
          ['target', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'CPU µs/req'],
          (['direct', 'gateway'] as const).map((k) => [
            k,
            sat[k].reqPerSec,
            sat[k].p50.toFixed(3),
            sat[k].p99.toFixed(3),
            sat[k].errors,
            (k === 'direct' ? sat.upstreamCpuUs : sat.gatewayCpuUs) ?? 'n/a',
          ]),
        ),
      );
      for (const k of ['direct', 'gateway'] as const)
        if (sat[k].errorSamples.length) console.log(`errors (${k} saturation): ${sat[k].errorSamples.join(' | ')}`);
    }
    console.log('');
    const logMatches = requestLogRows === gatewayRequests;
    console.log(
      `recording: gateway chat requests sent ${gatewayRequests}; request_log rows after SIGTERM ${requestLogRows ?? 'n/a'} (${logMatches ? 'match' : 'MISMATCH'}); model_performance calls before stop (analyze_metrics) ${modelCalls ?? 'n/a'}`,
    );
    console.log(
      `gateway stop: ${stopMs} ms, exit ${stopped.code ?? stopped.signal}${stopped.killed ? ' (KILLED after the grace period)' : ''}`,
    );
    console.log(`load average after: ${loadAfter}`);
    const target1000 = rows.find((r) => r.rate === 1000);
    const result = {
      bench: 'overhead',
      node: process.version,
      seconds,
      rounds,
      database: databaseUrl ? 'postgres' : 'pglite',
      loadAverageBefore: loadBefore,
      rates: rows.map((r) => ({
        rate: r.rate,
        direct: { p50: r.direct.p50, p99: r.direct.p99, achieved: r.direct.achievedRate, errors: r.direct.errors },
        gateway: { p50: r.gateway.p50, p99: r.gateway.p99, achieved: r.gateway.achievedRate, errors: r.gateway.errors },
        overhead: { p50: round(r.gateway.p50 - r.direct.p50), p99: round(r.gateway.p99 - r.direct.p99) },
        cpuUsPerRequest: { upstream: r.upstreamCpuUs, gateway: r.gatewayCpuUs },
      })),
      rounds_detail:
        rounds > 1
          ? perRound.map((p) => ({
              rate: p.rate,
              round: p.round,
              direct: [p.direct.p50, p.direct.p99],
              gateway: [p.gateway.p50, p.gateway.p99],
            }))
          : undefined,
      saturation: sat
        ? {
            connections,
            seconds: maxSeconds,
            direct: sat.direct.reqPerSec,
            gateway: sat.gateway.reqPerSec,
            cpuUsPerRequest: { upstream: sat.upstreamCpuUs, gateway: sat.gatewayCpuUs },
          }
        : undefined,
      recording: { gatewayRequests, requestLogRows, modelCalls, match: logMatches },
      targets: target1000
        ? {
            overheadP50Under1ms: target1000.gateway.p50 - target1000.direct.p50 < 1,
            overheadP99Under5ms: target1000.gateway.p99 - target1000.direct.p99 < 5,
          }
        : undefined,
      loadAverageAfter: loadAfter,
    };
    console.log(JSON.stringify(result));
  } finally {
    await Promise.all(pools.map((p) => p.close().catch(() => undefined)));
    if (gateway) await stopChild(gateway);
    if (upstream) await stopChild(upstream, 3000);
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
