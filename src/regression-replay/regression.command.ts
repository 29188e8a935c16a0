import { parseArgs } from 'node:util';
import { createGateway } from '../bootstrap/gateway';
import { createLogger } from '../common/logging/logger';
import { loadConfig } from '../config/config.loader';
import { RegressionReplayService } from './regression-replay.service';

export const REGRESSION_HELP =
  'replay the stored regression tests through the routing: [--category C] [--limit N] [--dry-run] [--json]';
export const REGRESSION_USAGE = '[--category C] [--limit N] [--dry-run] [--json]';
export const REGRESSION_FLAGS = ['category', 'limit', 'dry-run', 'json'] as const;

/** `regression`: exit 0 when no replayed test failed, 1 when one did, 2 on bad arguments. */
export async function runRegressionCommand(args: string[]): Promise<number> {
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
  const gateway = await createGateway({ config, logger: createLogger({ level: 'warn', fd: 2 }) });
  try {
    const report = await gateway.app
      .get(RegressionReplayService)
      .run({ category: values.category, limit, dryRun: values['dry-run'] ?? false });
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
