/**
 * npm run eval:routing -- --dataset <file or folder> --requests N [--tagged] [--feedback caller|judge]
 *   [--quality-floor F] [--judge-rate R] [--seed S] [--sweep] [--json]
 *
 * The online loop over real HTTP: a fake OpenAI-compatible upstream serving the dataset's weak and strong
 * models (answers carry the recorded outcome, so the judge path is exercised), the real gateway process
 * (dist/src/main.js, fresh embedded database), prompts replayed with model "auto" (the subject as
 * task_type with --tagged, the floor as x-gateway-quality-floor), caller feedback by completion id or the
 * gateway's own judge sampling. Prints, for the whole run and its last half, quality and cost relative to
 * always-strong, strong-call share, PGR, the judge's share and cost; --sweep adds APGR and CPT(50%/80%).
 * --concurrency C (default 4) requests in flight. Progress on stderr; the last stdout line is one JSON object.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../../../common/app-info';
import type { EvalDataset } from '../datasets';
import { estimateTokens, loadDataset, PRICES } from '../datasets';
import { apgr, cpt, figures } from '../metrics';
import type { Tally } from '../replay';
import { emptyTally, requestOrder } from '../replay';
import { FAKE_MODELS, FakeUpstream } from './fake-upstream';

const USAGE =
  'usage: npm run eval:routing -- --dataset <file or folder> --requests N [--tagged] [--feedback caller|judge] ' +
  '[--quality-floor F] [--judge-rate R] [--seed S] [--concurrency C] [--sweep] [--json]';

interface Args {
  dataset: string;
  requests: number;
  tagged: boolean;
  feedback: 'caller' | 'judge';
  floor: number;
  judgeRate: number;
  seed: number;
  sweep: boolean;
  json: boolean;
  concurrency: number;
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    dataset: '',
    requests: 300,
    tagged: false,
    feedback: 'caller',
    floor: 0.95,
    judgeRate: 0.25,
    seed: 1,
    sweep: false,
    json: false,
    concurrency: 4,
  };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = () => argv[++i] ?? '';
    if (k === '--dataset') a.dataset = v();
    else if (k === '--requests') a.requests = Number(v());
    else if (k === '--tagged') a.tagged = true;
    else if (k === '--feedback') a.feedback = v() === 'judge' ? 'judge' : 'caller';
    else if (k === '--quality-floor') a.floor = Number(v());
    else if (k === '--judge-rate') a.judgeRate = Number(v());
    else if (k === '--seed') a.seed = Number(v());
    else if (k === '--sweep') a.sweep = true;
    else if (k === '--json') a.json = true;
    else if (k === '--help') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else if (k === '--concurrency') a.concurrency = Math.max(1, Math.floor(Number(v())) || 1);
    else throw new Error(`unknown argument ${k}\n${USAGE}`);
  }
  if (!a.dataset) throw new Error('--dataset <file or folder> is required');
  if (!(a.requests > 0) || !(a.floor >= 0 && a.floor <= 1))
    throw new Error('--requests > 0 and --quality-floor in 0..1');
  return a;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function configYaml(upstream: string, port: number, a: Args, floor: number): string {
  const model = (id: string, p: { input: number; output: number }) =>
    `  - { id: ${id}, provider: fake, layer: ${id === FAKE_MODELS.weak ? 'fast' : 'deep'}, price: { input: ${p.input}, output: ${p.output} }, contextWindow: 200000 }`;
  return [
    `server: { host: 127.0.0.1, port: ${port} }`,
    'logLevel: warn',
    `providers:\n  - { id: fake, plugin: openai-compatible, options: { baseUrl: "${upstream}", models: [${Object.values(FAKE_MODELS).join(', ')}] } }`,
    'models:',
    model(FAKE_MODELS.weak, PRICES.weak),
    model(FAKE_MODELS.strong, PRICES.strong),
    model(FAKE_MODELS.judge, PRICES.strong),
    'routing: { maxRetries: 0, escalate: false }',
    'recording: { flushIntervalMs: 200 }',
    `optimizer: { seed: ${a.seed}, objective: { qualityFloor: ${floor} }, judge: { model: ${FAKE_MODELS.judge}, sampleRate: ${a.feedback === 'judge' ? a.judgeRate : 0} } }`,
    'security: { rateLimit: { requestsPerMinute: 1000000 } }',
  ].join('\n');
}

async function startGateway(config: string, dir: string, url: string): Promise<ChildProcess> {
  const file = join(dir, 'gateway.yaml');
  writeFileSync(file, config);
  const proc = spawn(process.execPath, [join(PROJECT_ROOT, 'dist/src/main.js')], {
    env: { ...process.env, GATEWAY_CONFIG: file, DATA_DIR: join(dir, 'data'), DATABASE_URL: '' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${url}/health`)).status < 500) return proc;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill();
  throw new Error('the gateway did not start');
}

/** One run on a fresh gateway: the whole run's and the last half's tallies. */
async function run(
  data: EvalDataset,
  a: Args,
  floor: number,
  progress: string,
): Promise<{ whole: Tally; lastHalf: Tally }> {
  const upstream = new FakeUpstream(data);
  const dir = mkdtempSync(join(tmpdir(), 'eval-routing-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = await startGateway(configYaml(await upstream.start(), port, a, floor), dir, url);
  const whole = emptyTally();
  const lastHalf = emptyTally();
  try {
    const order = requestOrder(data.rows.length, a.requests, a.seed);
    const half = Math.floor(order.length / 2);
    let judgeAtHalf = 0;
    let next = 0;
    let done = 0;
    const one = async (i: number) => {
      const row = data.rows[order[i]];
      if (i === half) judgeAtHalf = upstream.stats.judgeCalls;
      const res = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-gateway-quality-floor': String(floor) },
        body: JSON.stringify({
          model: 'auto',
          messages: [{ role: 'user', content: row.prompt }],
          ...(a.tagged ? { task_type: row.tag.slice(0, 100) } : {}),
        }),
      });
      const body = (await res.json()) as { id?: string };
      if (!res.ok) throw new Error(`request ${i} failed: ${res.status} ${JSON.stringify(body)}`);
      const side = res.headers.get('x-gateway-model') === FAKE_MODELS.strong ? 'strong' : 'weak';
      if (a.feedback === 'caller')
        await fetch(`${url}/v1/feedback`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ requestId: body.id, score: row.grade[side] }),
        });
      const tin = estimateTokens(row.prompt);
      const out = row.outputTokens ?? data.typicalOutputTokens;
      const cost = (s: 'weak' | 'strong') => (PRICES[s].input * tin + PRICES[s].output * out[s]) / 1e6;
      for (const t of i >= half ? [whole, lastHalf] : [whole]) {
        t.requests++;
        t.strongCalls += side === 'strong' ? 1 : 0;
        t.quality += row.quality[side];
        t.qualityWeak += row.quality.weak;
        t.qualityStrong += row.quality.strong;
        t.cost += cost(side);
        t.costStrong += cost('strong');
      }
      if (++done % 25 === 0) process.stderr.write(`\r${progress} ${done}/${order.length}`);
    };
    // A few requests in flight, as clients send them (each one's feedback follows its answer).
    await Promise.all(
      Array.from({ length: a.concurrency }, async () => {
        while (next < order.length) await one(next++);
      }),
    );
    await new Promise((r) => setTimeout(r, 1000)); // the last judge calls
    const judgeCost =
      (upstream.stats.judgeTokensIn * PRICES.strong.input + upstream.stats.judgeTokensOut * PRICES.strong.output) / 1e6;
    whole.judgeCalls = upstream.stats.judgeCalls;
    whole.judgeCost = judgeCost;
    lastHalf.judgeCalls = upstream.stats.judgeCalls - judgeAtHalf;
    lastHalf.judgeCost = judgeCost * (lastHalf.judgeCalls / Math.max(1, whole.judgeCalls));
    process.stderr.write(`\r${progress} ${order.length}/${order.length}\n`);
    return { whole, lastHalf };
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
    await upstream.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const data = loadDataset(a.dataset);
  const main = await run(data, a, a.floor, `${data.name} floor ${a.floor}`);
  const out: Record<string, unknown> = {
    dataset: data.name,
    requests: a.requests,
    tagged: a.tagged,
    feedback: a.feedback,
    qualityFloor: a.floor,
    whole: figures(main.whole),
    lastHalf: figures(main.lastHalf),
    judgeCalls: main.whole.judgeCalls,
    judgeCostUsd: main.whole.judgeCost,
  };
  if (a.sweep) {
    const points = [];
    for (const f of [0, 0.8, 0.9, 0.95, 0.98, 1]) {
      const r = await run(data, a, f, `sweep ${f}`);
      const fig = figures(r.lastHalf);
      points.push({ floor: f, strongShare: fig.strongShare, pgr: fig.pgr });
    }
    Object.assign(out, { sweep: points, apgr: apgr(points), cpt50: cpt(points, 0.5), cpt80: cpt(points, 0.8) });
  }
  if (!a.json)
    for (const [name, t] of [
      ['whole', main.whole],
      ['last half', main.lastHalf],
    ] as const) {
      const f = figures(t);
      process.stdout.write(
        `${name}: quality ${pct(f.quality)} of strong, cost ${pct(f.cost)}, strong calls ${pct(f.strongShare)}, PGR ${f.pgr.toFixed(3)}, judge ${pct(f.judgeShare)} at ${pct(f.judgeCost)} of strong cost\n`,
      );
    }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`eval:routing failed: ${err.message}\n`);
  process.exit(1);
});
