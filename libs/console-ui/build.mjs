// `npm run build:console` (and so `npm run build`): the Vite build of the console into dist/console, skipped
// when dist/console was built from the very same inputs. `npm test` builds first, and CI runs it twice (PGlite,
// then Postgres): the second run need not bundle the SPA again. `--force` builds whatever the stamp says.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
/** What the bundle is made of: the SPA (this script and the Vite config too), the contract it imports, the lockfile. */
const INPUTS = [HERE, join(ROOT, 'libs/console-contract/src'), join(ROOT, 'libs/console-contract/package.json')];
const LOCKFILE = join(ROOT, 'package-lock.json');
const OUTPUT = join(ROOT, 'dist/console/index.html');
/** Outside dist/console, which Vite empties and the gateway serves. */
const STAMP = join(ROOT, 'dist/.cache/console-inputs.sha256');
const SKIP = new Set(['node_modules', 'dist']);

/** Every file below `path` (or `path` itself), sorted, so the digest does not depend on directory order. */
function filesOf(path) {
  if (!existsSync(path)) return [];
  const entries = readdirSync(path, { withFileTypes: true, recursive: true });
  return entries
    .filter(
      (e) =>
        e.isFile() &&
        !relative(path, join(e.parentPath, e.name))
          .split('/')
          .some((p) => SKIP.has(p)),
    )
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** One digest of the inputs' paths and contents: an added, removed, renamed or edited file changes it. */
function digestOfInputs() {
  const hash = createHash('sha256');
  const files = INPUTS.flatMap((input) => (input.endsWith('.json') ? [input] : filesOf(input)));
  for (const file of [...files, LOCKFILE].filter((f) => existsSync(f))) {
    hash.update(`${relative(ROOT, file)}\0`);
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

const digest = digestOfInputs();
const stamped = existsSync(STAMP) ? readFileSync(STAMP, 'utf8').trim() : '';
if (!process.argv.includes('--force') && existsSync(OUTPUT) && stamped === digest) {
  console.log('console: dist/console is up to date with its sources, vite build skipped (--force builds anyway)');
} else {
  // No stamp while building: a build that fails halfway is never taken for an up-to-date one.
  rmSync(STAMP, { force: true });
  // Vite is loaded only to build: taking it in costs most of a skipped run's time.
  const { build } = await import('vite');
  await build({ configFile: join(HERE, 'vite.config.mts') });
  mkdirSync(dirname(STAMP), { recursive: true });
  // The digest taken before the build: a source edited during it makes the next run build again.
  writeFileSync(STAMP, `${digest}\n`);
}
