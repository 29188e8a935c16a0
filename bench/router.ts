/**
 * Routing decision benchmark (SPEC section 9: p99 under 100 µs with 1,000 active rules and a 2 KB prompt).
 *
 *   npm run bench:router -- [--rules 1000] [--iterations 20000] [--warmup 2000]
 *
 * In-process: the gateway on the default config with an in-memory PGlite, `rules` active routing rules
 * inserted through HeuristicsService.upsertRule (realistic RE2 patterns), then RouterService.decide()
 * with model "auto" on a 2 KB prompt that matches no rule and on one that matches exactly one, against
 * the same with 0 rules, and the compiled matcher alone.
 */
import 'reflect-metadata';
import { loadavg } from 'node:os';
import { createGateway } from '../src/bootstrap/gateway';
import { createLogger } from '../src/common/logging/logger';
import { loadConfig } from '../src/config/config.loader';
import { IN_MEMORY } from '../src/database/orm-options';
import { HeuristicsService } from '../src/heuristics/heuristics.service';
import { compileRulePattern } from '../src/heuristics/rule-matcher';
import { RouterService } from '../src/routing/router.service';
import type { RouteRequest } from '../src/routing/routing.types';
import { exitOnHelp, numberArg, pct, round, sortedCopy, table } from './lib';
import { seededRandom } from '@ai-mcp-gateway/provider-sdk';

// ---- rules: a deterministic mix of the shapes operators and the optimizer write ----

const VERBS = [
  'refactor',
  'rewrite',
  'optimi[sz]e',
  'debug',
  'explain',
  'summari[sz]e',
  'translate',
  'review',
  'document',
  'migrate',
  'benchmark',
  'deploy',
  'validate',
  'parse',
  'serialize',
  'compile',
  'profile',
  'audit',
  'scaffold',
  'vectori[sz]e',
];
const NOUNS = [
  'parser',
  'dockerfile',
  'kubernetes manifest',
  'helm chart',
  'terraform module',
  'sql query',
  'regex',
  'graphql schema',
  'react component',
  'rust crate',
  'unit tests?',
  'stack trace',
  'segfault',
  'race condition',
  'memory leak',
  'webpack config',
  'cron expression',
  'json schema',
  'openapi spec',
  'protobuf',
  'invoice',
  'contract clause',
  'sonnet',
  'haiku',
  'limerick',
  'cover letter',
  'press release',
  'differential equation',
  'eigenvalues?',
  'integral',
  'proof',
  'theorem',
  'lemma',
  'matrix',
  'derivative',
  'bash script',
  'makefile',
  'nginx config',
  'systemd unit',
  'ci pipeline',
];
const LANGS = [
  'python',
  'typescript',
  'javascript',
  'golang',
  'rust',
  'java',
  'kotlin',
  'c\\+\\+',
  'c#',
  'haskell',
  'elixir',
  'scala',
  'ruby',
  'php',
  'swift',
  'lua',
  'zig',
  'ocaml',
  'clojure',
  'julia',
];
const HUMAN = [
  'french',
  'german',
  'spanish',
  'japanese',
  'korean',
  'portuguese',
  'italian',
  'dutch',
  'polish',
  'turkish',
  'arabic',
  'hindi',
  'swahili',
  'finnish',
  'greek',
];
const QUESTION = ['how', 'why', 'when', 'where', 'which'];

function makePatterns(n: number): string[] {
  const r = seededRandom(42); // every run inserts the same rules
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const noun = () => pick(NOUNS).replace(/ /g, '\\s+');
  const shapes: Array<() => string> = [
    () => `\\b(${pick(VERBS)}|${pick(VERBS)})\\s+(the\\s+|this\\s+|my\\s+)?${noun()}\\b`,
    () => `\\b${noun()}\\b.*\\b(${pick(VERBS)}|${pick(VERBS)})\\b`,
    () => `^(please\\s+)?${pick(VERBS)}\\s+\\w+\\s+${noun()}`,
    () => `\\b(${pick(LANGS)}|${pick(LANGS)})\\s+(code|snippet|function|class)\\s+(for|to|that)\\s+${pick(VERBS)}`,
    () => `\\btranslate\\b.*\\b(into|to)\\s+(${pick(HUMAN)}|${pick(HUMAN)})\\b`,
    () => `\\b(${pick(QUESTION)})\\s+(do|does|can|should)\\s+i\\s+${pick(VERBS)}\\s+(a|an|the)?\\s*${noun()}`,
    () => `\\b[a-z]{2,6}-\\d{2,6}\\b.*\\b${noun()}\\b`,
    () => `\\b(error|exception|panic)\\b[^.]{0,80}\\b${pick(LANGS)}\\b`,
    () => `\\b${noun()}\\s+(in|with|using)\\s+${pick(LANGS)}\\b`,
    () => `\\b(solve|prove|compute|simplify)\\b.*\\b${noun()}\\b`,
  ];
  const out = new Set<string>();
  for (let i = 0; out.size < n && i < n * 100; i++) out.add(shapes[i % shapes.length]());
  if (out.size < n) throw new Error(`could only make ${out.size} distinct patterns`);
  return [...out];
}

// ---- prompts: 2 KB each ----

const PROSE = [
  'We are planning a two week family trip through the northern coast in late spring, with two children aged seven and eleven.',
  'The budget is moderate, we prefer small guesthouses over large hotels, and we would like to avoid driving more than three hours on any single day.',
  'My partner enjoys birdwatching and long walks on quiet beaches, while the kids want to see lighthouses, tide pools and maybe a small aquarium.',
  'Last year we tried to pack too much into each day and everyone ended up tired, so this time we want a slower rhythm with free afternoons.',
  'Please suggest a rough day by day outline, mention which towns make good bases for several nights, and note anything that usually needs booking ahead.',
  'It would also help to know what the weather tends to be like at that time of year, what clothes to bring for wind and rain, and which ferries run daily.',
  'We eat most things, although one of us is vegetarian, and we love trying local bakeries, markets and simple seafood places by the harbour.',
  'If there are festivals, open farms or boat trips suitable for children during those weeks, list them with a short note on why they are worth it.',
];

function prompt2k(suffix = ''): string {
  let text = '';
  for (let i = 0; text.length < 2048 - suffix.length; i++) text += (text ? ' ' : '') + PROSE[i % PROSE.length];
  return (text.slice(0, 2048 - suffix.length - 1) + ' ' + suffix).slice(0, 2048);
}

interface Stats {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

function stats(samplesUs: Float64Array): Stats {
  const s = sortedCopy(samplesUs);
  let sum = 0;
  for (const v of s) sum += v;
  return {
    p50: round(pct(s, 50), 1),
    p90: round(pct(s, 90), 1),
    p99: round(pct(s, 99), 1),
    max: round(pct(s, 100), 1),
    mean: round(sum / s.length, 1),
  };
}

async function timeAsync(iterations: number, warmup: number, fn: () => Promise<unknown>): Promise<Stats> {
  for (let i = 0; i < warmup; i++) await fn();
  const out = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    const t = process.hrtime.bigint();
    await fn();
    out[i] = Number(process.hrtime.bigint() - t) / 1000;
  }
  return stats(out);
}

function timeSync(iterations: number, warmup: number, fn: () => unknown): Stats {
  for (let i = 0; i < warmup; i++) fn();
  const out = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    const t = process.hrtime.bigint();
    fn();
    out[i] = Number(process.hrtime.bigint() - t) / 1000;
  }
  return stats(out);
}

const USAGE = `usage: npm run bench:router -- [--rules 1000] [--iterations 20000] [--warmup 2000]
the routing decision's latency with that many active rules on a 2 KB prompt`;

async function main(): Promise<void> {
  exitOnHelp(USAGE);
  const ruleCount = numberArg('rules', 1000, 1, 20_000);
  const iterations = numberArg('iterations', 20_000, 100, 1_000_000);
  const warmup = numberArg('warmup', 2000, 0, 100_000);
  const loadBefore = loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');
  console.log(`load average before: ${loadBefore} (1/5/15 min), node ${process.version}`);

  const env = { ...process.env };
  delete env.DATABASE_URL;
  delete env.DATA_DIR;
  delete env.GATEWAY_CONFIG; // the default config (simulated provider)
  const { config, file } = loadConfig(env);
  config.database.dataDir = IN_MEMORY;
  config.logLevel = 'warn';
  // The optimizer's cron would rewrite rules mid-measurement.
  config.optimizer.enabled = false;
  const logger = createLogger({ level: 'warn', fd: 2 });
  const gateway = await createGateway({ config, logger });
  try {
    const router = gateway.app.get(RouterService);
    const heuristics = gateway.app.get(HeuristicsService);

    const noMatch = prompt2k();
    const patterns = makePatterns(ruleCount);
    const compiled = patterns.map((p) => compileRulePattern(p));
    if (compiled.some((re) => re.test(noMatch))) throw new Error('a generated rule matches the "no match" prompt');
    // The one-match prompt ends with a request only the last rule (lowest in decision order) matches.
    const lastPattern = patterns[patterns.length - 1];
    const candidates = [
      'Also, could you explain the regex in python that we use for booking confirmations?',
      'Also, how do I debug a memory leak in rust?',
      'Finally, translate the outline into german please.',
      'Also solve this integral for me.',
    ];
    let oneMatch = '';
    let matchingIndex = -1;
    for (const c of candidates) {
      const p = prompt2k(c);
      const hits = compiled.map((re, i) => (re.test(p) ? i : -1)).filter((i) => i >= 0);
      if (hits.length === 1) {
        oneMatch = p;
        matchingIndex = hits[0];
        break;
      }
    }

    const request = (prompt: string): RouteRequest => ({
      requestId: 'bench',
      model: 'auto',
      messages: [{ role: 'user', content: prompt }],
      params: {},
      stream: false,
    });
    const reqNoMatch = request(noMatch);

    // Baseline: no rules.
    const zeroRules = await timeAsync(iterations, warmup, () => router.decide(reqNoMatch));
    const zeroMatcher = await heuristics.getMatcher();
    if (zeroMatcher.size !== 0) throw new Error(`expected an empty rule set, found ${zeroMatcher.size} rules`);

    const insertStarted = performance.now();
    for (const pattern of patterns)
      await heuristics.upsertRule({
        pattern,
        preferredLayer: (['fast', 'balanced', 'deep'] as const)[pattern.length % 3],
        reasoning: 'bench',
      });
    const insertMs = performance.now() - insertStarted;
    const compileStarted = performance.now();
    const matcher = await heuristics.getMatcher();
    const compileMs = performance.now() - compileStarted;
    if (matcher.size !== ruleCount) throw new Error(`the matcher holds ${matcher.size} rules, expected ${ruleCount}`);
    if (matcher.match(noMatch)) throw new Error('the matcher matched the "no match" prompt');
    const matched = oneMatch ? matcher.match(oneMatch) : undefined;
    if (oneMatch && matched?.pattern !== patterns[matchingIndex])
      throw new Error(`the one-match prompt matched ${matched?.pattern}, expected ${patterns[matchingIndex]}`);

    const rulesNoMatch = await timeAsync(iterations, warmup, () => router.decide(reqNoMatch));
    const reqOneMatch = oneMatch ? request(oneMatch) : undefined;
    const rulesOneMatch = reqOneMatch
      ? await timeAsync(iterations, warmup, () => router.decide(reqOneMatch))
      : undefined;
    const decided = reqOneMatch ? await router.decide(reqOneMatch) : undefined;
    const matcherNoMatch = timeSync(iterations, warmup, () => matcher.match(noMatch));
    const matcherOneMatch = oneMatch ? timeSync(iterations, warmup, () => matcher.match(oneMatch)) : undefined;
    // The decision as the router itself reports it (decisionUs, rounded to whole µs).
    const internal = new Float64Array(iterations);
    for (let i = 0; i < iterations; i++) internal[i] = (await router.decide(reqNoMatch)).decisionUs;
    const internalStats = stats(internal);

    console.log(
      `config ${file} (simulated provider), in-memory PGlite; ${ruleCount} active rules inserted via upsertRule in ${Math.round(insertMs)} ms, matcher compiled in ${Math.round(compileMs)} ms`,
    );
    console.log(
      `prompt ${noMatch.length} chars; one-match prompt ${oneMatch.length} chars, matching rule #${matchingIndex + 1} of ${ruleCount} ("${lastPattern === patterns[matchingIndex] ? 'the last one' : patterns[matchingIndex]}") -> layer ${decided?.layer}, reason ${decided?.reason}`,
    );
    console.log(`${iterations} timed iterations after ${warmup} warm-up; µs`);
    const rows: Array<[string, Stats | undefined]> = [
      ['decide(), 0 rules (baseline)', zeroRules],
      [`decide(), ${ruleCount} rules, no match`, rulesNoMatch],
      [`decide(), ${ruleCount} rules, one match`, rulesOneMatch],
      [`matcher.match(), ${ruleCount} rules, no match`, matcherNoMatch],
      [`matcher.match(), ${ruleCount} rules, one match`, matcherOneMatch],
      [`decisionUs reported by decide(), ${ruleCount} rules`, internalStats],
    ];
    console.log(
      table(
        ['case', 'p50', 'p90', 'p99', 'max', 'mean'],
        rows
          .filter(([, s]) => s)
          .map(([name, s]) => [
            name,
            s!.p50.toFixed(1),
            s!.p90.toFixed(1),
            s!.p99.toFixed(1),
            s!.max.toFixed(1),
            s!.mean.toFixed(1),
          ]),
      ),
    );
    const worstP99 = Math.max(rulesNoMatch.p99, rulesOneMatch?.p99 ?? 0);
    console.log(
      `target: decision p99 < 100 µs with ${ruleCount} rules and a 2 KB prompt: ${worstP99 < 100 ? 'met' : 'MISSED'} (${worstP99} µs)`,
    );
    const loadAfter = loadavg()
      .map((v) => v.toFixed(2))
      .join(' ');
    console.log(`load average after: ${loadAfter}`);
    console.log(
      JSON.stringify({
        bench: 'router',
        node: process.version,
        rules: ruleCount,
        promptChars: noMatch.length,
        iterations,
        unit: 'us',
        decideZeroRules: zeroRules,
        decideNoMatch: rulesNoMatch,
        decideOneMatch: rulesOneMatch,
        matcherNoMatch,
        matcherOneMatch,
        decisionUsReported: internalStats,
        targetP99Under100us: worstP99 < 100,
        loadAverageBefore: loadBefore,
        loadAverageAfter: loadAfter,
      }),
    );
  } finally {
    await gateway.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
