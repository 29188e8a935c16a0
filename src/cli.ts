import 'reflect-metadata';
import { KEYS_HELP, runKeysCommand } from './auth/keys.command';
import { reportFatal } from './bootstrap/fatal';
import { loadConfig } from './config/config.loader';
import { openDatabase } from './bootstrap/database';
import { OPTIMIZE_HELP, runOptimizeCommand } from './optimizer/optimize.command';
import { runSimulateCommand, SIMULATE_HELP } from './optimizer/simulation/simulate.command';

type Command = (args: string[]) => Promise<number>;

/** Operator commands. Each prints to stdout what it did and returns the exit code. */
const COMMANDS: Record<string, { help: string; run: Command }> = {
  migrate: {
    help: 'apply pending database migrations (a no-op when there are none)',
    run: async () => {
      const { config } = loadConfig();
      const db = await openDatabase(config.database);
      try {
        const { applied } = await db.migrate();
        process.stdout.write(
          applied.length
            ? `applied ${applied.length} migration(s): ${applied.join(', ')}\n`
            : 'no pending migrations\n',
        );
        return 0;
      } finally {
        await db.close();
      }
    },
  },
};

export function registerCommand(name: string, help: string, run: Command): void {
  COMMANDS[name] = { help, run };
}

async function main(argv: string[]): Promise<void> {
  const [name, ...args] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    const list = Object.entries(COMMANDS)
      .map(([n, c]) => `  ${n.padEnd(14)} ${c.help}`)
      .join('\n');
    process.stderr.write(
      `${name ? `unknown command "${name}"\n` : ''}usage: node dist/src/cli.js <command>\n${list}\n`,
    );
    process.exit(name ? 2 : 0);
  }
  try {
    process.exit(await command.run(args));
  } catch (err) {
    reportFatal(err);
    process.exit(1);
  }
}

registerCommand('keys', KEYS_HELP, runKeysCommand);
registerCommand('optimize', OPTIMIZE_HELP, runOptimizeCommand);
registerCommand('simulate', SIMULATE_HELP, runSimulateCommand);

if (require.main === module) void main(process.argv.slice(2));
