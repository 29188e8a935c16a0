import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config.loader';
import type { GatewayConfig } from '../config/config.schema';
import type { RegressionReplayService } from './regression-replay.service';

/** The replay on a started gateway, and how to stop it; cli.ts assembles it (this module knows no app). */
export type OpenReplay = (
  config: GatewayConfig,
) => Promise<{ replay: RegressionReplayService; close: () => Promise<void> }>;

export const REGRESSION_HELP =
  'replay the stored regression tests through the routing: [--category C] [--limit N] [--dry-run] [--json]';
export const REGRESSION_USAGE = '[--category C] [--limit N] [--dry-run] [--json]';
export const REGRESSION_FLAGS = ['category', 'limit', 'dry-run', 'json'] as const;

/** `regression`: exit 0 when no replayed test failed, 1 when one did, 2 on bad arguments. */
export async function runRegressionCommand(args: string[], open: OpenReplay): Promise<number> {
  let values: { category?: string; limit?: string; 'dry-run'?: boolean; json?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        category: { type: 'string' },
        limit: { type: 'string' },
        'dry-run': { type: 'boolean' },
        json: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    process.stderr.write(`regression: ${(err as Error).message}\nusage: npm run regression -- ${REGRESSION_USAGE}\n`);
    return 2;
  }
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 1000)) {
    process.stderr.write(`regression: --limit must be a whole number from 1 to 1000 (got "${values.limit}")\n`);
    return 2;
  }
  const { config } = loadConfig();
  // A short-lived run: no scheduled optimizer.
  config.optimizer = { ...config.optimizer, enabled: false };
  const gateway = await open(config);
  try {
    const report = await gateway.replay.run({ category: values.category, limit, dryRun: values['dry-run'] ?? false });
    if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else {
      for (const r of report.results)
        process.stdout.write(`${r.status.padEnd(8)} #${r.testId} ${r.testName}${r.reason ? `: ${r.reason}` : ''}\n`);
      process.stdout.write(
        `${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped ($${report.costUsd.toFixed(6)})${report.capped ? `; ${report.capped}` : ''}\n`,
      );
    }
    return report.failed > 0 ? 1 : 0;
  } finally {
    await gateway.close();
  }
}
