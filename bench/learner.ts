/**
 * Decision-time benchmark of the per-prompt learner (budget: p99 <= 40 us, inside the router's 100 us).
 *
 *   npm run bench:learner -- [--iterations 20000] [--warmup 3000] [--train 3000]
 *
 * In process. A learner is first trained on `train` graded outcomes (so its tables hold learned weights,
 * as in production), then one decision is timed end to end: featurising a 2 KB prompt, estimating every
 * candidate and choosing by the quality floor (traffic scope) and by the cost weight, with 2 and with 5
 * candidates. Each iteration uses another prompt (a rotation of 64) so that caches are not flattered.
 */
import { OnlineLearner } from '../src/optimizer/learning/online-learner';
import type { Objective } from '../src/optimizer/learning/objective';
import type { Candidate } from '../src/optimizer/learning/types';
import { seededRandom } from '@ai-mcp-gateway/provider-sdk';
import { exitOnHelp, loadAverage, numberArg, pct, round, sortedCopy, table } from './lib';

const WORDS = (
  'the a of to and in is for on with as by at from that this it be are was were which or an not have has can ' +
  'function class module service repository request response error database query index cache router model ' +
  'prompt token latency budget policy learner feature vector weight variance posterior quality floor cost ' +
  'analysis summary translate explain compare evaluate derive prove integral matrix theorem lemma dataset ' +
  'customer contract invoice revenue churn market strategy risk compliance audit report meeting schedule'
).split(' ');

/** A deterministic ~2 KB prompt: prose-like words, a few numbers and punctuation, some newlines. */
export function prompt2k(seed: number): string {
  const rng = seededRandom(seed);
  let out = '';
  while (out.length < 2048) {
    const w = WORDS[Math.floor(rng() * WORDS.length)];
    const r = rng();
    out += r < 0.05 ? `${Math.floor(rng() * 10000)} ` : r < 0.1 ? `${w}, ` : r < 0.13 ? `${w}.\n` : `${w} `;
  }
  // Flat, as a prompt parsed from a JSON request body is (a concatenated string would be a slow rope).
  return JSON.parse(JSON.stringify(out.slice(0, 2048))) as string;
}

function candidates(n: number): Candidate[] {
  return Array.from({ length: n }, (_, i) => ({ id: `model-${i}`, cost: 0.0001 * 3 ** i }));
}

function train(learner: OnlineLearner, models: Candidate[], count: number): void {
  const rng = seededRandom(99);
  for (let i = 0; i < count; i++) {
    const request = learner.features(prompt2k(10_000 + i), `type-${i % 7}`);
    const model = models[i % models.length].id;
    learner.observe({ request, model, signals: { outcome: 'success', feedback: rng() < 0.7 ? 1 : 0 } });
  }
}

function measure(learner: OnlineLearner, cands: Candidate[], objective: Objective, iterations: number, warmup: number) {
  const prompts = Array.from({ length: 64 }, (_, i) => prompt2k(i));
  const times = new Float64Array(iterations);
  for (let i = 0; i < warmup + iterations; i++) {
    const text = prompts[i % prompts.length];
    const t0 = process.hrtime.bigint();
    const request = learner.features(text, 'coding');
    learner.decide(request, cands, objective);
    const t1 = process.hrtime.bigint();
    if (i >= warmup) times[i - warmup] = Number(t1 - t0) / 1000;
  }
  const sorted = sortedCopy(times);
  return { p50: round(pct(sorted, 50), 1), p99: round(pct(sorted, 99), 1), max: round(sorted[sorted.length - 1], 1) };
}

/** observe() of a graded outcome (off the decision path): one Kalman step, a window refresh every 50. */
function observeTimes(iterations: number, warmup: number): Record<string, string | number> {
  const cands = candidates(2);
  const learner = new OnlineLearner({ seed: 2 });
  const objective: Objective = { kind: 'quality-floor', floor: 0.95, scope: 'traffic' };
  const prompts = Array.from({ length: 64 }, (_, i) => prompt2k(100 + i));
  const times = new Float64Array(iterations);
  for (let i = 0; i < warmup + iterations; i++) {
    const request = learner.features(prompts[i % prompts.length], 'coding');
    const decision = learner.decide(request, cands, objective);
    const signals = { outcome: 'success' as const, feedback: i % 3 ? 1 : 0 };
    const t0 = process.hrtime.bigint();
    learner.observe({ request, model: decision.model, signals, decision });
    const t1 = process.hrtime.bigint();
    if (i >= warmup) times[i - warmup] = Number(t1 - t0) / 1000;
  }
  const s = sortedCopy(times);
  const r = (p: number) => round(pct(s, p), 1);
  return { candidates: 2, objective: 'observe (graded outcome)', 'p50 us': r(50), 'p99 us': r(99), 'max us': r(100) };
}

const USAGE = 'usage: npm run bench:learner -- [--iterations 20000] [--warmup 3000] [--train 3000]';

function main(): void {
  exitOnHelp(USAGE);
  const iterations = numberArg('iterations', 20_000, 100, 10_000_000);
  const warmup = numberArg('warmup', 3_000, 0, 1_000_000);
  const trainCount = numberArg('train', 3_000, 0, 1_000_000);
  const rows: Array<Record<string, string | number>> = [];
  for (const n of [2, 5]) {
    const cands = candidates(n);
    const learner = new OnlineLearner({ seed: 1 });
    train(learner, cands, trainCount);
    const objectives: Array<[string, Objective]> = [
      ['quality floor 0.95 (traffic)', { kind: 'quality-floor', floor: 0.95, scope: 'traffic' }],
      ['cost weight 0.2', { kind: 'cost-weight', costWeight: 0.2, margin: 0.005 }],
    ];
    for (const [label, objective] of objectives) {
      const r = measure(learner, cands, objective, iterations, warmup);
      rows.push({ candidates: n, objective: label, 'p50 us': r.p50, 'p99 us': r.p99, 'max us': r.max });
    }
  }
  rows.push(observeTimes(iterations, warmup));
  const features = new OnlineLearner().featurizer;
  const text = prompt2k(1);
  const t = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    const t0 = process.hrtime.bigint();
    features.featurize(text);
    t[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  const s = sortedCopy(t);
  rows.push({
    candidates: '-',
    objective: 'featurize alone',
    'p50 us': round(pct(s, 50), 1),
    'p99 us': round(pct(s, 99), 1),
    'max us': round(s[s.length - 1], 1),
  });
  console.log(`per-prompt learner decision, 2 KB prompt, ${iterations} iterations (load average ${loadAverage()})`);
  const headers = ['candidates', 'objective', 'p50 us', 'p99 us', 'max us'];
  console.log(
    table(
      headers,
      rows.map((r) => headers.map((h) => r[h])),
    ),
  );
  console.log(JSON.stringify({ iterations, rows }));
}

if (require.main === module) main();
