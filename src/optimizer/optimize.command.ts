import { parseArgs } from 'node:util';
import pino from 'pino';
import { createGateway } from '../bootstrap/gateway';
import { loadConfig } from '../config/config.loader';
import { progressBar } from '../common/progress';
import { OptimizerService } from './optimizer.service';
import { describeRun } from './optimizer.tools';

export const OPTIMIZE_HELP =
  'run the optimizer once (every change audited in optimizer_runs); --dry-run shows the diff and writes nothing';

/** `optimize [--dry-run] [--json]`: exit 0 after a run, 1 when another replica holds the optimizer lock. */
export async function runOptimizeCommand(args: string[]): Promise<number> {
  let values: { 'dry-run'?: boolean; json?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: { 'dry-run': { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`optimize: ${(err as Error).message}\nusage: npm run optimize [-- --dry-run] [--json]\n`);
    return 2;
  }
  const { config } = loadConfig();
  // The scheduler stays off in this short-lived process: it runs the optimizer once, by hand.
  config.optimizer = { ...config.optimizer, enabled: false };
  const logger = pino({ level: process.env.LOG_LEVEL === 'debug' ? 'debug' : 'warn' });
  const gw = await createGateway({ config, logger });
  try {
    const bar = progressBar('optimize', 100, { quiet: values.json });
    const report = await gw.app.get(OptimizerService).run({
      trigger: 'cli',
      dryRun: values['dry-run'],
      onProgress: (share, what) => bar.update(Math.round(share * 100), what),
    });
    bar.finish();
    process.stdout.write(values.json ? `${JSON.stringify(report)}\n` : `${describeRun(report)}\n`);
    return report.ran ? 0 : 1;
  } finally {
    await gw.close();
  }
}
