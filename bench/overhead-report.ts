/** The overhead benchmark's measurements, its recording check and its report (tables, then one JSON line). */
import { PGlite } from '@electric-sql/pglite';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client as PgClient } from 'pg';
import { request } from 'undici';
import { ClosedLoopResult, OpenLoopResult, processCpuMs, round, table } from './lib';
import { JSON_HEADERS } from './setup';

export type TargetName = 'direct' | 'bare' | 'gateway';

export interface Phase {
  rate: number;
  round: number;
  target: TargetName;
  result: OpenLoopResult;
  /** CPU µs per request of the process serving the phase (with its child processes: the gateway's workers). */
  cpuUs?: number;
}

export interface Saturation {
  target: TargetName;
  result: ClosedLoopResult;
  cpuUs?: number;
}

/** CPU ms of a process and its direct children (the workers of a cluster primary). */
function treeCpuMs(pid: number | undefined): number | undefined {
  const own = processCpuMs(pid);
  if (own === undefined) return undefined;
  let total = own;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid)
        total += processCpuMs(Number(entry)) ?? 0;
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

/** Runs a phase and measures the CPU the serving process (tree) used during it, in µs per request. */
export async function withCpu<T extends { scheduled?: number; ok?: number; errors?: number }>(
  pid: number | undefined,
  run: () => Promise<T>,
): Promise<{ result: T; cpuUs?: number }> {
  const before = treeCpuMs(pid);
  const result = await run();
  const after = treeCpuMs(pid);
  const n = result.scheduled ?? (result.ok ?? 0) + (result.errors ?? 0);
  return {
    result,
    cpuUs: before === undefined || after === undefined || n === 0 ? undefined : round(((after - before) * 1000) / n, 0),
  };
}

/** model_performance call counts as the gateway reports them (analyze_metrics), before the stop. */
export async function modelCallsOf(gatewayUrl: string): Promise<number | undefined> {
  try {
    const res = await request(`${gatewayUrl}/tools/analyze_metrics`, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ includeReport: true }),
    });
    const body = (await res.body.json()) as { report?: { counts?: { modelCalls?: number } } };
    if (body.report?.counts?.modelCalls === undefined)
      console.log(`analyze_metrics answered HTTP ${res.statusCode}: ${JSON.stringify(body).slice(0, 300)}`);
    return body.report?.counts?.modelCalls;
  } catch (err) {
    console.log(`analyze_metrics failed: ${(err as Error).message}`);
    return undefined;
  }
}

/** request_log rows in the stopped gateway's database (`orNone`: 0 when the table does not exist yet). */
export async function countRequestLog(
  databaseUrl: string,
  dataDir: string,
  orNone = false,
): Promise<number | undefined> {
  try {
    if (databaseUrl) {
      const client = new PgClient({ connectionString: databaseUrl });
      await client.connect();
      try {
        const exists = (await client.query<{ t: string | null }>("select to_regclass('request_log')::text as t"))
          .rows[0].t;
        if (!exists && orNone) return 0;
        return (await client.query<{ n: number }>('select count(*)::int as n from request_log')).rows[0].n;
      } finally {
        await client.end();
      }
    }
    const db = new PGlite(join(dataDir, 'pglite'));
    await db.waitReady;
    const r = await db.query<{ n: number }>('select count(*)::int as n from request_log');
    await db.close();
    return r.rows[0].n;
  } catch (err) {
    console.log(`counting request_log failed: ${(err as Error).message}`);
    return undefined;
  }
}

export interface Report {
  seconds: number;
  rounds: number;
  stream: boolean;
  workers: number;
  databaseUrl: string;
  connections: number;
  maxSeconds: number;
  phases: Phase[];
  saturation: Saturation[];
  recording: { gatewayRequests: number; requestLogRows?: number; modelCalls?: number };
  stop: { ms: number; code: number | null; signal: NodeJS.Signals | null; killed: boolean };
  loadBefore: string;
  loadAfter: string;
}

/** Per rate and target: the worst round (highest p99); rounds are all in the JSON line. */
function worst(phases: Phase[], rate: number, target: TargetName): Phase | undefined {
  return phases
    .filter((p) => p.rate === rate && p.target === target)
    .reduce<Phase | undefined>((a, b) => (!a || b.result.p99 > a.result.p99 ? b : a), undefined);
}

const ms = (v: number | undefined) => (v === undefined ? 'n/a' : v.toFixed(3));

export function report(r: Report): void {
  const rates = [...new Set(r.phases.map((p) => p.rate))];
  const hasBare = r.phases.some((p) => p.target === 'bare');
  const rows = rates.map((rate) => ({
    rate,
    direct: worst(r.phases, rate, 'direct')!,
    bare: worst(r.phases, rate, 'bare'),
    gateway: worst(r.phases, rate, 'gateway')!,
  }));
  const over = (a: Phase | undefined, b: Phase, k: 'p50' | 'p99' | 'ttfbP50' | 'ttfbP99') =>
    a ? round(b.result[k] - a.result[k]) : undefined;
  console.log('');
  console.log(
    `open loop, ${r.seconds} s per phase, latency in ms from the scheduled send time (${r.rounds > 1 ? `worst of ${r.rounds} rounds` : 'one round'}); overhead = gateway - direct, and gateway - bare`,
  );
  console.log(
    table(
      [
        'rate',
        'direct p50/p99',
        ...(hasBare ? ['bare p50/p99'] : []),
        'gateway p50/p99',
        'over direct p50/p99',
        ...(hasBare ? ['over bare p50/p99'] : []),
        'achieved d/gw',
        'errors d/gw',
      ],
      rows.map((x) => [
        x.rate,
        `${ms(x.direct.result.p50)} / ${ms(x.direct.result.p99)}`,
        ...(hasBare ? [`${ms(x.bare?.result.p50)} / ${ms(x.bare?.result.p99)}`] : []),
        `${ms(x.gateway.result.p50)} / ${ms(x.gateway.result.p99)}`,
        `${ms(over(x.direct, x.gateway, 'p50'))} / ${ms(over(x.direct, x.gateway, 'p99'))}`,
        ...(hasBare ? [`${ms(over(x.bare, x.gateway, 'p50'))} / ${ms(over(x.bare, x.gateway, 'p99'))}`] : []),
        `${x.direct.result.achievedRate} / ${x.gateway.result.achievedRate}`,
        `${x.direct.result.errors}/${x.gateway.result.errors}`,
      ]),
    ),
  );
  console.log('');
  console.log(
    'detail (ms): p90, max, time to first byte p50/p99, service time from the actual send p50/p99, send lag p50/p99;',
  );
  console.log('CPU µs per request of the process serving the phase (the gateway with its workers; /proc, 10 ms ticks)');
  console.log(
    table(
      [
        'rate',
        'target',
        'round',
        'p90',
        'max',
        'ttfb p50',
        'ttfb p99',
        'svc p50',
        'svc p99',
        'lag p50',
        'lag p99',
        'CPU µs/req',
      ],
      r.phases.map((p) => [
        p.rate,
        p.target,
        p.round,
        ms(p.result.p90),
        ms(p.result.max),
        ms(p.result.ttfbP50),
        ms(p.result.ttfbP99),
        ms(p.result.serviceP50),
        ms(p.result.serviceP99),
        ms(p.result.sendLagP50),
        ms(p.result.sendLagP99),
        p.cpuUs ?? 'n/a',
      ]),
    ),
  );
  for (const p of r.phases)
    if (p.result.errorSamples.length)
      console.log(`errors (${p.target} @ ${p.rate}/s): ${p.result.errorSamples.join(' | ')}`);
  if (r.saturation.length) {
    console.log('');
    console.log(`saturation, closed loop, ${r.connections} connections, ${r.maxSeconds} s`);
    console.log(
      table(
        ['target', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'CPU µs/req'],
        r.saturation.map((s) => [
          s.target,
          s.result.reqPerSec,
          ms(s.result.p50),
          ms(s.result.p99),
          s.result.errors,
          s.cpuUs ?? 'n/a',
        ]),
      ),
    );
    for (const s of r.saturation)
      if (s.result.errorSamples.length)
        console.log(`errors (${s.target} saturation): ${s.result.errorSamples.join(' | ')}`);
  }
  const rec = r.recording;
  const match = rec.requestLogRows === rec.gatewayRequests;
  console.log('');
  console.log(
    `recording: gateway chat requests sent ${rec.gatewayRequests}; request_log rows after SIGTERM ${rec.requestLogRows ?? 'n/a'} (${match ? 'match' : 'MISMATCH'}); model_performance calls before stop (analyze_metrics) ${rec.modelCalls ?? 'n/a'}`,
  );
  console.log(
    `gateway stop: ${r.stop.ms} ms, exit ${r.stop.code ?? r.stop.signal}${r.stop.killed ? ' (KILLED after the grace period)' : ''}`,
  );
  console.log(`load average after: ${r.loadAfter}`);
  const at = (rate: number) => rows.find((x) => x.rate === rate);
  const r1000 = at(1000);
  const r500 = at(500);
  const sat = (t: TargetName) => r.saturation.find((s) => s.target === t)?.result.reqPerSec;
  console.log(
    JSON.stringify({
      bench: 'overhead',
      node: process.version,
      seconds: r.seconds,
      rounds: r.rounds,
      stream: r.stream,
      workers: r.workers,
      database: r.databaseUrl ? 'postgres' : 'pglite',
      loadAverageBefore: r.loadBefore,
      phases: r.phases.map((p) => ({
        rate: p.rate,
        round: p.round,
        target: p.target,
        p50: p.result.p50,
        p99: p.result.p99,
        ttfbP50: p.result.ttfbP50,
        ttfbP99: p.result.ttfbP99,
        achieved: p.result.achievedRate,
        errors: p.result.errors,
        cpuUsPerRequest: p.cpuUs,
      })),
      saturation: r.saturation.length
        ? Object.fromEntries(
            r.saturation.map((s) => [s.target, { reqPerSec: s.result.reqPerSec, cpuUsPerRequest: s.cpuUs }]),
          )
        : undefined,
      recording: { ...rec, match },
      targets: {
        overBareAt1000P50: r1000 ? over(r1000.bare, r1000.gateway, 'p50') : undefined,
        overBareAt1000P99: r1000 ? over(r1000.bare, r1000.gateway, 'p99') : undefined,
        streamTtfbOverDirectAt500P50: r.stream && r500 ? over(r500.direct, r500.gateway, 'ttfbP50') : undefined,
        streamTtfbOverBareAt500P50: r.stream && r500 ? over(r500.bare, r500.gateway, 'ttfbP50') : undefined,
        maxGatewayReqPerSec: sat('gateway'),
        maxBareReqPerSec: sat('bare'),
      },
      loadAverageAfter: r.loadAfter,
    }),
  );
}
