import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The README's folder map (section "Folders") names every folder of the source trees, one line each, and
 * names no folder that does not exist.
 */
const ROOT = join(__dirname, '..');
const TREES = ['src', 'libs', 'plugins', 'test', 'bench'];
/** Build output, installs and run-time data: not source folders. */
const SKIP = new Set(['node_modules', 'dist', 'data', 'coverage', 'artifacts']);

/** Every folder below `dir` (itself included), as `dir/sub/` paths relative to the project root. */
export function foldersOf(dir: string): string[] {
  const found = [`${dir}/`];
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    if (entry.isDirectory() && !SKIP.has(entry.name) && !entry.name.startsWith('.'))
      found.push(...foldersOf(`${dir}/${entry.name}`));
  }
  return found;
}

/** The folders the map names: the first word of each line of the code block under "## Folders". */
export function mappedFolders(readme: string): string[] {
  const section = readme.split(/^## Folders\s*$/m)[1]?.split(/^## /m)[0];
  if (!section) throw new Error('README.md has no "## Folders" section');
  const block = /```\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('the "## Folders" section has no code block');
  return block
    .split('\n')
    .map((line) => line.split(/\s+/)[0])
    .filter((word) => word.endsWith('/') && TREES.some((tree) => word.startsWith(`${tree}/`)));
}

describe('README folder map', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const mapped = mappedFolders(readme);
  const actual = TREES.flatMap((tree) => foldersOf(tree));

  it('lists every folder of src/, libs/, plugins/, test/ and bench/', () => {
    expect(actual.filter((folder) => !mapped.includes(folder))).toEqual([]);
  });

  it('names no folder that does not exist, and each folder once', () => {
    expect(mapped.filter((folder) => !actual.includes(folder))).toEqual([]);
    expect(mapped.filter((folder, i) => mapped.indexOf(folder) !== i)).toEqual([]);
  });

  it('would catch a missing and an invented folder', () => {
    const without = readme.replace(/^src\/routing\/ .*\n/m, '').replace('src/tools/ ', 'src/toolz/ ');
    const names = mappedFolders(without);
    expect(actual.filter((folder) => !names.includes(folder))).toEqual(['src/routing/', 'src/tools/']);
    expect(names.filter((folder) => !actual.includes(folder))).toEqual(['src/toolz/']);
  });
});
