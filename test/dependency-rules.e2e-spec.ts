import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The dependency rules of SPEC section 2 (.dependency-cruiser.cjs, `npm run depcheck`): the real tree
 * passes, and files planted to break each rule make dependency-cruiser fail naming that rule.
 */
const ROOT = join(__dirname, '..');
const DEPCRUISE = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

interface Violation {
  from: string;
  to: string;
  rule: { name: string; severity: string };
}

/** Violations found in `paths`, from the JSON report. */
function depcruise(paths: string[]): Violation[] {
  const run = spawnSync(
    process.execPath,
    [DEPCRUISE, ...paths, '--config', '.dependency-cruiser.cjs', '--output-type', 'json'],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
  );
  if (run.status !== 0 || !run.stdout) throw new Error(`depcruise failed: ${run.stderr}`);
  return (JSON.parse(run.stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

/** `npm run depcheck` as CI runs it: its exit status and what it printed. */
function depcheck(): { status: number | null; output: string } {
  const script = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> })
    .scripts.depcheck;
  const [bin, ...args] = script.split(' ');
  expect(bin).toBe('depcruise');
  const run = spawnSync(process.execPath, [DEPCRUISE, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000,
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('dependency rules (SPEC section 2)', () => {
  it('the real tree has no violation', () => {
    const result = depcheck();
    expect(result.output).toContain('no dependency violations found');
    expect(result.status).toBe(0);
  });

  describe('planted violations fail the check, each under its rule', () => {
    const tag = `planted-${process.pid}`;
    /** Files written into the real tree for one run (dependency-cruiser matches rules on their paths). */
    const planted: Record<string, { path: string; source: string }> = {
      'plugins-use-only-the-sdk': {
        path: `plugins/simulated/${tag}.ts`,
        source: `import { gatewayConfigSchema } from '../../src/config/config.schema';\nexport const x = gatewayConfigSchema;\n`,
      },
      'plugins-use-the-sdk-by-its-package-name': {
        path: `plugins/anthropic/${tag}.ts`,
        source: `import { ProviderError } from '../../libs/provider-sdk/src/errors';\nexport const x = ProviderError;\n`,
      },
      'libs-import-nothing-of-the-gateway': {
        path: `libs/console-ui/src/${tag}.ts`,
        source: `import { LAYERS } from '../../../src/config/config.schema';\nexport const x = LAYERS;\n`,
      },
      'libs-use-each-other-by-package-name': {
        path: `libs/console-ui/src/${tag}-relative.ts`,
        source: `import type { RequestLogRow } from '../../console-contract/src/index';\nexport type X = RequestLogRow;\n`,
      },
      'gateway-uses-libs-by-package-name': {
        path: `src/request-log/${tag}.ts`,
        source: `import { WINDOWS } from '../../libs/console-contract/src/primitives';\nexport const x = WINDOWS;\n`,
      },
      'sdk-imports-no-other-lib': {
        path: `libs/provider-sdk/src/${tag}.ts`,
        source: `import { WINDOWS } from '@ai-mcp-gateway/console-contract';\nexport const x = WINDOWS;\n`,
      },
      'console-contract-is-pure': {
        path: `libs/console-contract/src/${tag}.ts`,
        source: `import { join } from 'node:path';\nexport const x = join;\n`,
      },
      'record-keeping-knows-no-routing-optimizer-or-transport': {
        path: `src/metrics/${tag}.ts`,
        source: `import { ToolsController } from '../tools/tools.controller';\nexport const x = ToolsController;\n`,
      },
      'tools-import-no-feature-module': {
        path: `src/tools/${tag}.ts`,
        source: `import { HeuristicsService } from '../heuristics/heuristics.service';\nexport const x = HeuristicsService;\n`,
      },
      'only-repositories-touch-the-database': {
        path: `src/bug-patterns/${tag}.service.ts`,
        source: `import { queryRows } from '../database/query';\nexport const x = queryRows;\n`,
      },
      'no-circular-modules': {
        path: `src/common/${tag}-a.ts`,
        source: `import { b } from './${tag}-b';\nexport const a = (): number => b() + 1;\n`,
      },
    };
    const partner = {
      path: `src/common/${tag}-b.ts`,
      source: `import { a } from './${tag}-a';\nexport const b = (): number => a;\n`,
    };
    let violations: Violation[];
    let check: ReturnType<typeof depcheck>;

    beforeAll(() => {
      try {
        for (const file of [...Object.values(planted), partner]) writeFileSync(join(ROOT, file.path), file.source);
        violations = depcruise([...Object.values(planted), partner].map((f) => f.path));
        check = depcheck();
      } finally {
        for (const file of [...Object.values(planted), partner]) rmSync(join(ROOT, file.path), { force: true });
      }
    });

    it('npm run depcheck exits non-zero and names the planted file', () => {
      expect(check.status).not.toBe(0);
      expect(check.output).toContain(`plugins/simulated/${tag}.ts → src/config/config.schema.ts`);
    });

    it.each(Object.entries(planted))('%s', (rule, file) => {
      const hits = violations.filter((v) => v.rule.name === rule && v.from === file.path);
      expect({ rule, from: file.path, found: hits.length > 0 }).toEqual({ rule, from: file.path, found: true });
      expect(hits[0].rule.severity).toBe('error');
    });
  });
});
