import { progressBar, type Progress } from '../../common/progress';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { createGateway, GatewayHandle } from '../../bootstrap/gateway';
import { loadConfig } from '../../config/config.loader';
import type { GatewayConfig } from '../../config/config.schema';
import { RecorderService } from '../../recording/recorder.service';
import { RouterService } from '../../routing/router.service';
import { FeedbackService } from '../feedback.service';
import { OptimizerService } from '../optimizer.service';
import { seededRng } from '../stats';
import {
  expectedUtility,
  oracleModel,
  requestStream,
  SIM_MODELS,
  SimModel,
  SimRequest,
  simulationConfig,
} from './scenario';

export const SIMULATE_HELP =
  'drive N simulated requests through the real router, recorder and optimizer: --requests N --seed S [--json]';

/** Feedback is sent after each batch of this many requests (as a client judging answers a little later). */
const FEEDBACK_BATCH = 20;
/** Checkpoints of the regret curve. */
const CURVE_POINTS = 10;

export interface Figures {
  quality: number;
  cost: number;
}

interface VariantResult extends Figures {
  regret: number[];
}

interface Tally {
  successes: number;
  cost: number;
}

/** One request through the real router: did it get a correct answer, at what cost, from which model. */
async function route(
  router: RouterService,
  id: string,
  model: string,
  r: SimRequest,
): Promise<{ correct: boolean; cost: number; model: SimModel | undefined }> {
  try {
    const result = await router.execute({
      requestId: id,
      model,
      messages: [{ role: 'user', content: r.prompt }],
      params: {},
      taskType: r.taskType,
      stream: false,
    });
    const meta = result.response.providerMetadata as { simulated?: { correct?: boolean } } | undefined;
    return {
      correct: meta?.simulated?.correct === true,
      cost: result.cost,
      model: SIM_MODELS.find((m) => m.id === result.model.id),
    };
  } catch {
    return { correct: false, cost: 0, model: undefined };
  }
}

async function boot(seed: number, optimizer: GatewayConfig['optimizer'], enabled: boolean): Promise<GatewayHandle> {
  return createGateway({ config: simulationConfig(seed, optimizer, enabled), logger: pino({ level: 'silent' }) });
}

/**
 * The learned policy on a fresh in-memory gateway: every request `auto`, the truth fed back through
 * record_feedback in batches, the optimizer run every K requests. Returns quality, cost and the regret curve.
 */
async function runLearned(
  requests: readonly SimRequest[],
  seed: number,
  optimizer: GatewayConfig['optimizer'],
  everyK: number,
  progress: Progress,
): Promise<VariantResult> {
  const gw = await boot(seed, optimizer, true);
  const [router, recorder, feedback, runner] = [
    gw.app.get(RouterService),
    gw.app.get(RecorderService),
    gw.app.get(FeedbackService),
    gw.app.get(OptimizerService),
  ];
  const tally: Tally = { successes: 0, cost: 0 };
  const curve: number[] = [];
  let regret = 0;
  let pending: Array<{ id: string; correct: boolean }> = [];
  try {
    for (let i = 0; i < requests.length; i++) {
      const r = requests[i];
      const id = `sim-${seed}-${i}`;
      const out = await route(router, id, 'auto', r);
      tally.successes += out.correct ? 1 : 0;
      tally.cost += out.cost;
      const oracle = oracleModel(r.taskType, optimizer.costWeight);
      regret +=
        expectedUtility(oracle, r.taskType, optimizer.costWeight) -
        (out.model ? expectedUtility(out.model, r.taskType, optimizer.costWeight) : 0);
      pending.push({ id, correct: out.correct });
      if (pending.length >= FEEDBACK_BATCH) pending = await sendFeedback(recorder, feedback, pending);
      if ((i + 1) % everyK === 0) await runner.run({ trigger: 'cli' });
      if ((i + 1) % Math.max(1, Math.floor(requests.length / CURVE_POINTS)) === 0) curve.push(regret);
      progress.update(i + 1);
    }
  } finally {
    await gw.close();
  }
  return { quality: tally.successes / requests.length, cost: tally.cost, regret: curve };
}

/** The oracle and the fixed baselines, request by request, on one gateway with the learned policy off. */
async function runBaselines(
  requests: readonly SimRequest[],
  seed: number,
  optimizer: GatewayConfig['optimizer'],
  progress: Progress,
): Promise<Record<string, Figures>> {
  const specs: Array<[string, (r: SimRequest) => string]> = [
    ['oracle', (r) => oracleModel(r.taskType, optimizer.costWeight).id],
    ['always-deep', () => 'deep'],
    ['always-fast', () => 'fast'],
    ['static-heuristics', () => 'auto'],
  ];
  const gw = await boot(seed, optimizer, false);
  const router = gw.app.get(RouterService);
  const tallies = new Map(specs.map(([name]) => [name, { successes: 0, cost: 0 }]));
  try {
    for (let i = 0; i < requests.length; i++) {
      for (const [name, model] of specs) {
        const out = await route(router, `sim-${seed}-${i}-${name}`, model(requests[i]), requests[i]);
        const t = tallies.get(name)!;
        t.successes += out.correct ? 1 : 0;
        t.cost += out.cost;
      }
      progress.update(i + 1);
    }
  } finally {
    await gw.close();
  }
  return Object.fromEntries(
    [...tallies].map(([name, t]) => [name, { quality: t.successes / requests.length, cost: t.cost }]),
  );
}

/** The simulator knows the truth: it judges each answer (providerMetadata.simulated.correct) through record_feedback. */
async function sendFeedback(
  recorder: RecorderService,
  feedback: FeedbackService,
  batch: Array<{ id: string; correct: boolean }>,
): Promise<[]> {
  await recorder.flush();
  for (const f of batch) await feedback.record({ requestId: f.id, success: f.correct }).catch(() => undefined);
  return [];
}

function parse(args: string[]): { requests: number; seed: number; json: boolean } {
  const { values } = parseArgs({
    args,
    options: {
      requests: { type: 'string', default: '2000' },
      seed: { type: 'string', default: '1' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const requests = Number(values.requests);
  const seed = Number(values.seed);
  if (!Number.isInteger(requests) || requests < 1) throw new TypeError('--requests must be a positive integer');
  if (!Number.isInteger(seed)) throw new TypeError('--seed must be an integer');
  return { requests, seed, json: values.json ?? false };
}

const usd = (x: number) => `$${x.toFixed(4)}`;

function table(results: Record<string, Figures>, oracle: Figures): string {
  const rows = Object.entries(results).map(
    ([name, r]) =>
      `  ${name.padEnd(18)} quality ${r.quality.toFixed(3)} (${((100 * r.quality) / oracle.quality).toFixed(1)}% of oracle)   cost ${usd(r.cost)} (${(r.cost / oracle.cost).toFixed(2)}x oracle)`,
  );
  return rows.join('\n');
}

function regretCurve(curve: number[], requests: number): string {
  const max = Math.max(1e-9, ...curve.map(Math.abs));
  const step = Math.max(1, Math.floor(requests / CURVE_POINTS));
  return curve
    .map(
      (v, i) =>
        `  ${String((i + 1) * step).padStart(6)} requests  ${v.toFixed(2).padStart(8)}  ${'#'.repeat(Math.max(0, Math.round((40 * v) / max)))}`,
    )
    .join('\n');
}

/** `simulate`: the learned policy against the oracle and the fixed baselines, on the same request stream. */
export async function runSimulateCommand(args: string[]): Promise<number> {
  let opts: { requests: number; seed: number; json: boolean };
  try {
    opts = parse(args);
  } catch (err) {
    process.stderr.write(
      `simulate: ${(err as Error).message}\nusage: npm run simulate -- --requests N --seed S [--json]\n`,
    );
    return 2;
  }
  const optimizer = loadConfig().config.optimizer;
  const requests = requestStream(seededRng(opts.seed * 7919 + 1), opts.requests);
  const everyK = Math.max(25, Math.min(200, Math.round(opts.requests / 20)));
  const bar = (label: string) => progressBar(label, opts.requests, { quiet: opts.json });
  const learnedBar = bar('learned policy    ');
  const learned = await runLearned(requests, opts.seed, optimizer, everyK, learnedBar);
  learnedBar.finish();
  const baselinesBar = bar('oracle, baselines ');
  const baselines = await runBaselines(requests, opts.seed, optimizer, baselinesBar);
  baselinesBar.finish();
  const results: Record<string, Figures> = { learned, ...baselines };
  const pick = (r: Figures): Figures => ({ quality: round(r.quality), cost: round(r.cost) });
  const oracle = results.oracle;
  process.stdout.write(
    [
      `Simulation: ${opts.requests} requests, seed ${opts.seed}, optimizer every ${everyK} requests, costWeight ${optimizer.costWeight}, exploration ${optimizer.exploration}`,
      table(results, oracle),
      'Cumulative regret of the learned policy (expected utility lost against the oracle):',
      regretCurve(learned.regret, opts.requests),
      '',
    ].join('\n'),
  );
  if (opts.json) {
    const summary = {
      requests: opts.requests,
      seed: opts.seed,
      policy: pick(learned),
      oracle: pick(oracle),
      baselines: {
        'always-deep': pick(results['always-deep']),
        'always-fast': pick(results['always-fast']),
        'static-heuristics': pick(results['static-heuristics']),
      },
    };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  }
  return 0;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
