/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`, e.g. `npm run bench:overhead -- --profile DIR`):
 * self time by function and by package/area, and inclusive time of chosen functions.
 *
 *   node dist/bench/profile-summary.js FILE.cpuprofile [--top 40] [--skip-ms 0] [--include name1,name2] [--callers name]
 *
 * --skip-ms ignores the first milliseconds (start-up: module loading, migrations); --include prints the
 * inclusive time of functions by name; --callers prints the heaviest stacks (leaf first) through a function.
 */
import { readFileSync } from 'node:fs';
import { arg, numberArg, table } from './lib';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Which part of the stack a script belongs to. */
function areaOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native/builtin)';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const dist = url.indexOf('/dist/');
  if (dist >= 0)
    return url
      .slice(dist + 1)
      .split('/')
      .slice(0, 3)
      .join('/');
  return url;
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + 1);
  return url.replace(/^file:\/\//, '');
}

function main(): void {
  const file = process.argv[2];
  if (!file || file.startsWith('--'))
    throw new Error('usage: profile-summary FILE.cpuprofile [--top N] [--include fn1,fn2]');
  const top = numberArg('top', 40, 1, 500);
  const include = arg('include', '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const skipMs = numberArg('skip-ms', 0, 0, 1e9);
  const callers = arg('callers', '');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  // Drop the samples taken before --skip-ms (timeDeltas are µs since the previous sample).
  {
    let t = 0;
    let first = 0;
    while (first < profile.samples.length && (t += profile.timeDeltas[first] ?? 0) < skipMs * 1000) first++;
    profile.samples = profile.samples.slice(first);
    profile.timeDeltas = profile.timeDeltas.slice(first);
  }
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const selfUs = new Map<number, number>();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + dt);
    total += dt;
  }
  const idle = [...selfUs]
    .filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)')
    .reduce((a, [, v]) => a + v, 0);
  const busy = total - idle;

  const byFn = new Map<string, number>();
  const byArea = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const f = byId.get(id)!.callFrame;
    if (f.functionName === '(idle)') continue;
    const key = `${f.functionName || '(anonymous)'}  ${shortUrl(f.url)}${f.url ? `:${f.lineNumber + 1}` : ''}`;
    byFn.set(key, (byFn.get(key) ?? 0) + us);
    const area = areaOf(f.url, f.functionName);
    byArea.set(area, (byArea.get(area) ?? 0) + us);
  }
  const ms = (us: number) => (us / 1000).toFixed(1);
  const share = (us: number) => `${((100 * us) / busy).toFixed(1)}%`;
  console.log(
    `${file}: ${skipMs ? `first ${skipMs} ms skipped; ` : ''}${ms(total)} ms profiled, ${ms(idle)} ms idle, ${ms(busy)} ms busy (percentages are of busy time)`,
  );
  console.log('');
  console.log('self time by area');
  console.log(
    table(
      ['area', 'ms', 'share'],
      [...byArea]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 25)
        .map(([k, v]) => [k, ms(v), share(v)]),
    ),
  );
  console.log('');
  console.log(`top ${top} functions by self time`);
  console.log(
    table(
      ['function  location', 'ms', 'share'],
      [...byFn]
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([k, v]) => [k, ms(v), share(v)]),
    ),
  );

  // Where the time goes along the request path: each sample goes to the leaf-most frame that names a part.
  const parts: Array<[string, (f: CallFrame) => boolean]> = [
    // wasm frames are attributed through their JS caller (PGlite's Postgres, or undici's llhttp parser).
    [
      'database: PGlite/pg + ORM (recording writes)',
      (f) =>
        /pglite|node_modules\/(pg|pg-protocol|pg-pool)\/|@mikro-orm|knex|recorder\.service|\.repository\.ts/.test(
          f.url,
        ),
    ],
    [
      'socket write syscalls (writev etc.)',
      (f) => !f.url && /^(writev|writeBuffer|writeUtf8String|writeLatin1String)$/.test(f.functionName),
    ],
    ['zod validation', (f) => f.url.includes('/zod/')],
    ['undici (upstream client)', (f) => f.url.includes('/undici/')],
    ['provider plugin + sdk', (f) => /(libs\/provider-sdk|plugins\/[^/]+)\/dist\//.test(f.url)],
    [
      'body parsing (body-parser, raw-body)',
      (f) => /\/(body-parser|raw-body|type-is|content-type|iconv-lite|bytes|media-typer)\//.test(f.url),
    ],
    [
      'express + router',
      (f) => /node_modules\/(express|router|finalhandler|send|on-finished|depd|encodeurl|parseurl)\//.test(f.url),
    ],
    ['nest pipeline', (f) => f.url.includes('@nestjs/')],
    ['prom-client metrics', (f) => f.url.includes('prom-client')],
    ['pino logging', (f) => f.url.includes('/pino')],
    ['routing (router, executor, api service)', (f) => f.url.includes('dist/src/routing/')],
    ['auth, rate limit, request id', (f) => /dist\/src\/(auth|common)\//.test(f.url)],
    ['other gateway code', (f) => f.url.includes('/dist/')],
    [
      'abort signals, events, timers (node internals)',
      (f) => /abort_controller|event_target|domexception|node:events|timers/.test(f.url),
    ],
    [
      'node http/net/streams',
      (f) => /^node:(internal\/)?(_http|http|net|stream|internal\/streams)/.test(f.url) || /^node:_http/.test(f.url),
    ],
    ['garbage collector', (f) => f.functionName === '(garbage collector)'],
  ];
  const byPart = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const leaf = byId.get(profile.samples[i])!;
    if (leaf.callFrame.functionName === '(idle)') continue;
    let part = 'other (builtins, microtasks, program)';
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
      const f = byId.get(id)!.callFrame;
      const hit = parts.find(([, test]) => test(f));
      if (hit) {
        part = hit[0];
        break;
      }
    }
    byPart.set(part, (byPart.get(part) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  console.log('');
  console.log('busy time by part (leaf-most frame that names a part)');
  console.log(
    table(
      ['part', 'ms', 'share'],
      [...byPart].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, ms(v), share(v)]),
    ),
  );

  // Stretches of consecutive samples inside PGlite in this profile (it runs in its own worker thread, so the
  // main thread should show none): how long a flush holds every request up.
  {
    const inDb = (sample: number) => {
      for (let id: number | undefined = sample; id !== undefined; id = parent.get(id))
        if (byId.get(id)!.callFrame.url.includes('pglite')) return true;
      return false;
    };
    const runs: number[] = [];
    let current = 0;
    for (let i = 0; i < profile.samples.length; i++) {
      const dt = profile.timeDeltas[i + 1] ?? 0;
      if (inDb(profile.samples[i])) current += dt;
      else if (current > 0) {
        runs.push(current);
        current = 0;
      }
    }
    if (current > 0) runs.push(current);
    runs.sort((a, b) => a - b);
    if (runs.length) {
      const q = (p: number) => ms(runs[Math.min(runs.length - 1, Math.ceil((p / 100) * runs.length) - 1)]);
      const long = runs.filter((r) => r >= 5000);
      console.log('');
      console.log(
        `event loop held by the database (consecutive PGlite samples): ${runs.length} stretches, p50 ${q(50)} ms, p90 ${q(90)} ms, p99 ${q(99)} ms, max ${q(100)} ms; ${long.length} of 5 ms or more totalling ${ms(long.reduce((a, b) => a + b, 0))} ms`,
      );
    }
  }

  if (include.length) {
    // Inclusive time: samples whose stack contains a frame with that function name (counted once per sample).
    const inclusive = new Map<string, number>(include.map((n) => [n, 0]));
    for (let i = 0; i < profile.samples.length; i++) {
      const seen = new Set<string>();
      for (let id: number | undefined = profile.samples[i]; id !== undefined; id = parent.get(id)) {
        const name = byId.get(id)!.callFrame.functionName;
        if (inclusive.has(name) && !seen.has(name)) {
          seen.add(name);
          inclusive.set(name, inclusive.get(name)! + (profile.timeDeltas[i] ?? 0));
        }
      }
    }
    console.log('');
    console.log('inclusive time');
    console.log(
      table(
        ['function', 'ms', 'share'],
        [...inclusive].map(([k, v]) => [k, ms(v), share(v)]),
      ),
    );
  }

  if (callers) {
    const stacks = new Map<string, number>();
    for (let i = 0; i < profile.samples.length; i++) {
      const frames: string[] = [];
      let through = false;
      for (
        let id: number | undefined = profile.samples[i];
        id !== undefined && frames.length < 40;
        id = parent.get(id)
      ) {
        const f = byId.get(id)!.callFrame;
        if (f.functionName === '(root)') break;
        frames.push(
          `${f.functionName || '(anon)'}@${shortUrl(f.url).split('/').slice(-2).join('/')}:${f.lineNumber + 1}`,
        );
        if (f.functionName === callers) through = true;
      }
      if (!through) continue;
      const cut = frames.findIndex((f) => f.startsWith(`${callers}@`));
      const key = frames.slice(Math.max(0, cut - 2), cut + 8).join(' < ');
      stacks.set(key, (stacks.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
    }
    console.log('');
    console.log(`heaviest stacks through ${callers} (2 frames below it, 8 above)`);
    for (const [k, v] of [...stacks].sort((a, b) => b[1] - a[1]).slice(0, 12))
      console.log(`${ms(v).padStart(8)} ms  ${k}`);
  }
}

main();
