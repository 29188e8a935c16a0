/**
 * Offline evaluation of the learning method on real outcomes (RouteLLM's published per-prompt results).
 *
 *   npm run eval:learning -- --dataset <file or folder> [--requests 3000] [--seeds 1,2] [--tagged]
 *       [--feedback caller|judge] [--judge-rate 0.25] [--quality-floor 0.95 | --cost-weight 0.1]
 *       [--scope traffic|request] [--sweep] [--json]
 *       [--feedback both] [--frozen]   (what the feedback allows: both models graded; learning stops mid-run)
 *   npm run eval:learning -- --suite <routellm folder> [--seeds 1,2]   (every case of the acceptance table)
 *
 * In process, no gateway: the loop of replay.ts. Prints a table per run (whole run and last half) on
 * stdout, progress on stderr; the last stdout line is one JSON object with every figure.
 */
import { progressBar } from '../../../common/progress';
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import type { Objective } from '../objective';
import { loadDataset } from './datasets';
import type { EvalDataset } from './datasets';
import { apgr, cpt, figures } from './metrics';
import type { CurvePoint, Figures } from './metrics';
import { tagOracle } from './oracle';
import type { RoutingCost, TagOracle } from './oracle';
import { replay } from './replay';
import type { ReplayOptions } from './replay';

/** Quality floors of the sweep (RouteLLM sweeps its threshold the same way). */
export const SWEEP_FLOORS = [0, 0.6, 0.7, 0.8, 0.85, 0.88, 0.9, 0.92, 0.94, 0.95, 0.96, 0.97, 0.98, 0.99, 1];

export interface CaseSpec {
  label: string;
  dataset: string;
  requests: number;
  tagged: boolean;
  feedback: 'caller' | 'judge' | 'both';
  judgeRate: number;
  objective: Objective;
  sweep: boolean;
  frozen?: boolean;
}

export interface CaseResult {
  label: string;
  seed: number;
  whole: Figures;
  lastHalf: Figures;
  distinctPrompts: number;
  lambda?: number;
  /** The best routing by tag alone at the floor, knowing the true accuracies (datasets with 2+ tags). */
  oracle?: TagOracle;
  /** This run's own ranking of its last half at the best threshold in hindsight (quality floor only). */
  hindsight?: RoutingCost;
  /** The same at the quality the run reached (the run's distance from its ranking's frontier). */
  hindsightAtRunQuality?: RoutingCost;
  sweep?: { points: CurvePoint[]; apgr: number; cpt50: number; cpt80: number };
}

const datasets = new Map<string, EvalDataset>();
function dataset(path: string): EvalDataset {
  let d = datasets.get(path);
  if (!d) {
    d = loadDataset(path);
    datasets.set(path, d);
  }
  return d;
}

function options(spec: CaseSpec, seed: number, objective: Objective): ReplayOptions {
  return {
    requests: spec.requests,
    seed,
    tagged: spec.tagged,
    feedback: spec.feedback,
    judgeRate: spec.judgeRate,
    objective,
    frozen: spec.frozen,
  };
}

export function runCase(spec: CaseSpec, seed: number): CaseResult {
  const data = dataset(spec.dataset);
  const r = replay(data, options(spec, seed, spec.objective));
  const result: CaseResult = {
    label: spec.label,
    seed,
    whole: figures(r.whole),
    lastHalf: figures(r.lastHalf),
    distinctPrompts: r.distinctPrompts,
    lambda: r.finalLambda,
    hindsight: r.hindsight,
    hindsightAtRunQuality: r.hindsightAtRunQuality,
  };
  if (spec.objective.kind === 'quality-floor') {
    const oracle = tagOracle(data, spec.objective.floor);
    if (oracle.tags > 1) result.oracle = oracle;
  }
  if (spec.sweep) {
    const scope = spec.objective.kind === 'quality-floor' ? spec.objective.scope : 'traffic';
    const points = SWEEP_FLOORS.map((floor) => {
      const f = figures(replay(data, options(spec, seed, { kind: 'quality-floor', floor, scope })).lastHalf);
      return { strongShare: f.strongShare, pgr: f.pgr };
    });
    result.sweep = { points, apgr: apgr(points), cpt50: cpt(points, 0.5), cpt80: cpt(points, 0.8) };
  }
  return result;
}

function pct(x: number): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : 'n/a';
}

export function row(r: CaseResult): string {
  const f = (x: Figures) => `${pct(x.quality)} | ${pct(x.cost)} | ${pct(x.strongShare)} | ${x.pgr.toFixed(2)}`;
  const judge =
    r.lastHalf.judgeShare > 0
      ? ` judge ${pct(r.whole.judgeShare)} of requests, ${pct(r.whole.judgeCost)} of strong cost;`
      : '';
  const sweep = r.sweep
    ? ` APGR ${r.sweep.apgr.toFixed(3)}, CPT50 ${pct(r.sweep.cpt50)}, CPT80 ${pct(r.sweep.cpt80)}`
    : '';
  const oracle = r.oracle ? ` per-${r.oracle.tags}-tag oracle ${pct(r.oracle.cost)} cost;` : '';
  const atRun = r.hindsightAtRunQuality ? ` (${pct(r.hindsightAtRunQuality.cost)} at the run's quality)` : '';
  const hindsight = r.hindsight
    ? ` own ranking at the best threshold in hindsight ${pct(r.hindsight.cost)} cost${atRun};`
    : '';
  return `| ${r.label} | ${r.seed} | ${f(r.whole)} | ${f(r.lastHalf)} |${oracle}${hindsight}${judge}${sweep} |`;
}

export const TABLE_HEAD =
  '| case | seed | quality (all) | cost (all) | strong (all) | PGR (all) | quality (last half) | cost (last half) | strong (last half) | PGR (last half) | notes |\n' +
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |';

/** The acceptance cases, on the RouteLLM folder. */
export function suite(root: string, floor: number, scope: 'traffic' | 'request'): CaseSpec[] {
  const objective: Objective = { kind: 'quality-floor', floor, scope };
  const base = { requests: 3000, feedback: 'caller' as const, judgeRate: 0.25, objective, sweep: true };
  const mmlu = join(root, 'mmlu');
  const gsm8k = join(root, 'gsm8k_responses.csv');
  const mt = join(root, 'mt_bench');
  return [
    { ...base, label: '1 MMLU tagged, caller feedback', dataset: mmlu, tagged: true },
    { ...base, label: '2 MMLU untagged, caller feedback', dataset: mmlu, tagged: false },
    { ...base, label: '3 MMLU tagged, judge 25%', dataset: mmlu, tagged: true, feedback: 'judge' },
    { ...base, label: '4a GSM8K untagged, caller feedback', dataset: gsm8k, tagged: false },
    { ...base, label: '4b GSM8K one pass (1,319)', dataset: gsm8k, tagged: false, requests: 1319, sweep: false },
    { ...base, label: '4c MT-Bench untagged, caller feedback', dataset: mt, tagged: false },
    { ...base, label: '4d MT-Bench tagged (category)', dataset: mt, tagged: true, sweep: false },
  ];
}

function main(): void {
  const { values } = parseArgs({
    options: {
      dataset: { type: 'string' },
      suite: { type: 'string' },
      requests: { type: 'string', default: '3000' },
      seeds: { type: 'string', default: '1,2' },
      tagged: { type: 'boolean', default: false },
      feedback: { type: 'string', default: 'caller' },
      'judge-rate': { type: 'string', default: '0.25' },
      'quality-floor': { type: 'string' },
      'cost-weight': { type: 'string' },
      scope: { type: 'string', default: 'traffic' },
      sweep: { type: 'boolean', default: false },
      frozen: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const num = (name: string, v: string | undefined, min: number, max: number): number => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n < min || n > max)
      throw new Error(`--${name} must be a number between ${min} and ${max}`);
    return n;
  };
  const seeds = (values.seeds ?? '1').split(',').map((s) => num('seeds', s, 0, 2 ** 31));
  const scope = values.scope === 'request' ? 'request' : values.scope === 'traffic' ? 'traffic' : undefined;
  if (!scope) throw new Error('--scope must be traffic or request');
  const feedback = values.feedback;
  if (feedback !== 'caller' && feedback !== 'judge' && feedback !== 'both')
    throw new Error('--feedback must be caller, judge or both');
  const floor = values['quality-floor'] === undefined ? 0.95 : num('quality-floor', values['quality-floor'], 0, 1);
  let specs: CaseSpec[];
  if (values.suite) specs = suite(values.suite, floor, scope);
  else {
    if (!values.dataset) throw new Error('--dataset <file or folder> (or --suite <folder>) is required');
    const objective: Objective =
      values['cost-weight'] !== undefined
        ? { kind: 'cost-weight', costWeight: num('cost-weight', values['cost-weight'], 0, 100), margin: 0.005 }
        : { kind: 'quality-floor', floor, scope };
    specs = [
      {
        label: `${values.dataset}${values.tagged ? ' tagged' : ''} ${feedback}${values.frozen ? ' frozen' : ''}`,
        dataset: values.dataset,
        requests: num('requests', values.requests, 2, 1e6),
        tagged: values.tagged ?? false,
        feedback,
        judgeRate: num('judge-rate', values['judge-rate'], 0, 1),
        objective,
        sweep: values.sweep ?? false,
        frozen: values.frozen ?? false,
      },
    ];
  }
  const results: CaseResult[] = [];
  const total = specs.length * seeds.length;
  const bar = progressBar('eval:learning', total, { quiet: values.json });
  for (const spec of specs)
    for (const seed of seeds) {
      bar.update(results.length, `${spec.label}, seed ${seed}`);
      results.push(runCase(spec, seed));
    }
  bar.finish();
  if (!values.json) {
    console.log(TABLE_HEAD);
    for (const r of results) console.log(row(r));
  }
  console.log(JSON.stringify({ results }));
}

if (require.main === module) {
  try {
    main();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
}
