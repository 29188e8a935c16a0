import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config.loader';
import type { GatewayConfig } from '../config/config.schema';
import type { RegressionTestDto } from './regression-tests.schemas';
import { RegressionTestsService } from './regression-tests.service';

export const EXPORT_TESTS_HELP = 'write the stored regression tests as JSON to stdout, or to --out FILE [--category C]';
export const EXPORT_TESTS_USAGE = '[--out FILE] [--category C]';
export const EXPORT_TESTS_FLAGS = ['out', 'category'] as const;

const PAGE = 500;

export interface RegressionTestsExport {
  exportedAt: string;
  category: string | null;
  count: number;
  tests: RegressionTestDto[];
}

/** Every test (oldest first, so an export reads in the order they were found), page by page through the service. */
export async function exportRegressionTests(
  service: RegressionTestsService,
  category?: string,
): Promise<RegressionTestsExport> {
  const tests: RegressionTestDto[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const { items, total } = await service.list({ category, limit: PAGE, offset });
    tests.push(...items);
    if (items.length < PAGE || offset + PAGE >= total) break;
  }
  tests.reverse();
  return { exportedAt: new Date().toISOString(), category: category ?? null, count: tests.length, tests };
}

/** The service on a started gateway, and how to stop it; cli.ts assembles it (this module knows no app). */
export type OpenRegressionTests = (
  config: GatewayConfig,
) => Promise<{ service: RegressionTestsService; close: () => Promise<void> }>;

/** `export-tests [--out FILE] [--category C]`: exit 0 after writing, 2 on bad arguments. */
export async function runExportTestsCommand(args: string[], open: OpenRegressionTests): Promise<number> {
  let values: { out?: string; category?: string };
  try {
    ({ values } = parseArgs({
      args,
      options: { out: { type: 'string' }, category: { type: 'string' } },
      strict: true,
    }));
    if (values.out !== undefined && !values.out.trim()) throw new TypeError('--out needs a file name');
  } catch (err) {
    process.stderr.write(
      `export-tests: ${(err as Error).message}\nusage: npm run export-tests -- ${EXPORT_TESTS_USAGE}\n`,
    );
    return 2;
  }
  const { config } = loadConfig();
  // A short-lived reader: no scheduled optimizer; logs on stderr, stdout carries the export.
  config.optimizer = { ...config.optimizer, enabled: false };
  const gw = await open(config);
  try {
    const exported = await exportRegressionTests(gw.service, values.category?.trim());
    const json = `${JSON.stringify(exported, null, 2)}\n`;
    if (values.out === undefined) {
      // The caller exits right after: wait until the pipe has taken all of it.
      await new Promise<void>((done) => process.stdout.write(json, () => done()));
    } else {
      writeFileSync(resolve(values.out), json);
      process.stderr.write(`exported ${exported.count} regression test(s) to ${resolve(values.out)}\n`);
    }
    return 0;
  } finally {
    await gw.close();
  }
}
