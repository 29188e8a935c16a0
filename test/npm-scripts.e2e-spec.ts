import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/common/app-info';

const SCRIPTS = (
  JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts;

/** Scripts that end in one of our entry points taking options: they answer --help. */
const TAKES_HELP = Object.keys(SCRIPTS).filter((name) => /node dist\/(src\/cli|bench\/[\w-]+)\.js/.test(SCRIPTS[name]));

interface Ran {
  code: number | null;
  out: string;
}

/** Runs a command at the project root as a user would, without the npm_* variables of the jest run around it. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('npm_') && k !== 'DATABASE_URL' && k !== 'INIT_CWD'),
  );
  const child = spawn(command, args, {
    cwd: PROJECT_ROOT,
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out })));
}

describe('npm scripts (npm run build first)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'npm-scripts-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('every script names files, configs, scripts and CLI commands that exist', () => {
    for (const [name, line] of Object.entries(SCRIPTS)) {
      for (const [, file] of line.matchAll(/node (?:--[\w=-]+ )*((?:dist|node_modules)\/[\w@./-]+\.js)/g))
        expect([name, file, existsSync(join(PROJECT_ROOT, file))]).toEqual([name, file, true]);
      for (const [, config] of line.matchAll(/(tsconfig[\w.]*\.json)/g))
        expect([name, config, existsSync(join(PROJECT_ROOT, config))]).toEqual([name, config, true]);
      for (const [, script] of line.matchAll(/npm run ([\w:-]+)/g))
        expect([name, script in SCRIPTS]).toEqual([name, true]);
    }
    expect(TAKES_HELP).toEqual(
      expect.arrayContaining([
        'migrate',
        'optimize',
        'optimize:dry',
        'simulate',
        'keys',
        'export-tests',
        'bench:router',
      ]),
    );
  });

  it.each(TAKES_HELP)('npm run %s -- --help prints its usage and exits 0', async (name) => {
    const { code, out } = await run('npm', ['run', '--silent', name, '--', '--help']);
    expect({ code, usage: /usage: npm run [\w:-]+/.test(out) }).toEqual({ code: 0, usage: true });
    const command = /node dist\/src\/cli\.js ([\w-]+)/.exec(SCRIPTS[name])?.[1];
    if (command) expect(out).toContain(`usage: npm run ${command} --`);
  });

  it('the CLI without a command, or with an unknown one, prints the usage and exits 2', async () => {
    for (const args of [[], ['no-such-command']]) {
      const { code, out } = await run(process.execPath, ['dist/src/cli.js', ...args]);
      expect(code).toBe(2);
      expect(out).toContain('usage: node dist/src/cli.js <command>');
      expect(out).toContain('export-tests');
    }
  });

  it('npm run optimize --dry-run (without --) refuses and runs nothing; optimize:dry passes the flag', async () => {
    const dataDir = join(tmp, 'never-opened');
    const refused = await run('npm', ['run', '--silent', 'optimize', '--dry-run'], { DATA_DIR: dataDir });
    expect(refused.code).toBe(2);
    expect(refused.out).toContain('npm kept --dry-run for itself and did not pass it on; nothing was run');
    expect(refused.out).toContain('npm run optimize -- --dry-run');
    expect(existsSync(dataDir)).toBe(false);
    expect(SCRIPTS['optimize:dry']).toMatch(/cli\.js optimize --dry-run$/);
  });
});
