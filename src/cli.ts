import 'reflect-metadata';
import { KEYS_HELP, runKeysCommand } from './auth/keys.command';
import { reportFatal } from './bootstrap/fatal';
import { loadConfig } from './config/config.loader';
import { openDatabase } from './bootstrap/database';
import { createGateway } from './bootstrap/gateway';
import { createLogger } from './common/logging/logger';
import { progressBar } from './common/progress';
import { OPTIMIZE_HELP, runOptimizeCommand } from './optimizer/optimize.command';
import {
  REGRESSION_FLAGS,
  REGRESSION_HELP,
  REGRESSION_USAGE,
  runRegressionCommand,
} from './regression-replay/regression.command';
import { RegressionReplayService } from './regression-replay/regression-replay.service';
import { runSimulateCommand, SIMULATE_HELP } from './optimizer/simulation/simulate.command';
import {
  EXPORT_TESTS_FLAGS,
  EXPORT_TESTS_HELP,
  EXPORT_TESTS_USAGE,
  runExportTestsCommand,
} from './regression-tests/export-tests.command';
import { RegressionTestsService } from './regression-tests/regression-tests.service';

type Command = (args: string[]) => Promise<number>;

interface CommandSpec {
  help: string;
  /** What follows `npm run <name> --` (the command's own parser checks it). */
  usage: string;
  /** Its --flags, to notice when npm took one for itself. */
  flags: readonly string[];
  run: Command;
}

const COMMANDS: Record<string, CommandSpec> = {};

export function registerCommand(name: string, spec: CommandSpec): void {
  COMMANDS[name] = spec;
}

async function migrate(): Promise<number> {
  const { config } = loadConfig();
  const db = await openDatabase(config.database);
  try {
    const bar = progressBar('migrate', (await db.pendingMigrations()).length);
    const { applied } = await db.migrate((done, _total, next) => bar.update(done, next));
    bar.finish();
    process.stdout.write(
      applied.length ? `applied ${applied.length} migration(s): ${applied.join(', ')}\n` : 'no pending migrations\n',
    );
    return 0;
  } finally {
    await db.close();
  }
}

function usage(): string {
  const list = Object.entries(COMMANDS)
    .map(([n, c]) => `  ${n.padEnd(14)} ${c.help}`)
    .join('\n');
  return `usage: node dist/src/cli.js <command> [options]   (npm run <command> -- [options])\n${list}\n`;
}

const isHelp = (arg: string) => arg === '--help' || arg === '-h';

/**
 * `npm run x --flag` (without `--`) does not pass --flag on: npm keeps it as its own config and
 * only says so in the environment (npm_config_flag). Such a run would silently ignore the flag.
 */
export function swallowedFlags(flags: readonly string[], args: string[], env: NodeJS.ProcessEnv): string[] {
  if (!env.npm_lifecycle_event) return [];
  const given = (flag: string) => args.some((a) => a === `--${flag}` || a.startsWith(`--${flag}=`));
  return [...new Set([...flags, 'dry-run'])].filter(
    (flag) => env[`npm_config_${flag.replace(/-/g, '_')}`] !== undefined && !given(flag),
  );
}

/** The exit code of one command line; bad usage is 2, as for the commands' own argument errors. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || isHelp(name)) {
    process[name ? 'stdout' : 'stderr'].write(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`unknown command "${name}"\n${usage()}`);
    return 2;
  }
  if (args.some(isHelp)) {
    process.stdout.write(`${name}: ${command.help}\nusage: npm run ${name} -- ${command.usage}\n`);
    return 0;
  }
  const swallowed = swallowedFlags(command.flags, args, env);
  if (swallowed.length > 0) {
    const flags = swallowed.map((f) => `--${f}`).join(' ');
    process.stderr.write(
      `${name}: npm kept ${flags} for itself and did not pass it on; nothing was run. Write: npm run ${name} -- ${flags}\n`,
    );
    return 2;
  }
  try {
    return await command.run(args);
  } catch (err) {
    reportFatal(err);
    return 1;
  }
}

registerCommand('migrate', {
  help: 'apply pending database migrations (a no-op when there are none)',
  usage: '',
  flags: [],
  run: migrate,
});
registerCommand('optimize', {
  help: OPTIMIZE_HELP,
  usage: '[--dry-run] [--json]',
  flags: ['dry-run', 'json'],
  run: runOptimizeCommand,
});
registerCommand('simulate', {
  help: SIMULATE_HELP,
  usage: '[--requests N] [--seed S] [--json]',
  flags: ['requests', 'seed', 'json'],
  run: runSimulateCommand,
});
registerCommand('keys', {
  help: KEYS_HELP,
  usage: 'create --name N --scopes a,b [--budget-day USD] [--budget-month USD] | list [--json] | revoke <id|prefix>',
  flags: ['name', 'scopes', 'json', 'budget-day', 'budget-month', 'budget-total'],
  run: (args) => runKeysCommand(args, openDatabase),
});
registerCommand('export-tests', {
  help: EXPORT_TESTS_HELP,
  usage: EXPORT_TESTS_USAGE,
  flags: EXPORT_TESTS_FLAGS,
  run: (args) =>
    runExportTestsCommand(args, async (config) => {
      // Logs on stderr: stdout carries the export.
      const gw = await createGateway({ config, logger: createLogger({ level: 'warn', fd: 2 }) });
      return { service: gw.app.get(RegressionTestsService), close: () => gw.close() };
    }),
});

registerCommand('regression', {
  help: REGRESSION_HELP,
  usage: REGRESSION_USAGE,
  flags: REGRESSION_FLAGS,
  run: (args) =>
    runRegressionCommand(args, async (config) => {
      const gw = await createGateway({ config, logger: createLogger({ level: 'warn', fd: 2 }) });
      return { replay: gw.app.get(RegressionReplayService), close: () => gw.close() };
    }),
});

if (require.main === module) void runCli(process.argv.slice(2)).then((code) => process.exit(code));
