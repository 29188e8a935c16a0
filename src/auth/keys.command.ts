import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config.loader';
import type { GatewayConfig } from '../config/config.schema';
import type { DatabaseService } from '../database/database.service';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeyInfo, ApiKeysService } from './api-keys.service';
import { ApiKeyInputError, ApiKeyNotFoundError, SCOPES } from './scopes';
import { BudgetPeriod } from '../budgets/budget.entity';
import { BudgetsRepository } from '../budgets/budgets.repository';
import { BudgetsService, BudgetSummary } from '../budgets/budgets.service';
import { Clock } from '../common/clock';

export const KEYS_HELP =
  'API keys: create --name N --scopes a,b [--budget-day USD] [--budget-month USD] | list [--json] | revoke <id|prefix>';

/** The services a subcommand works with. */
interface KeysCli {
  keys: ApiKeysService;
  budgets: BudgetsService;
}
type Budgets = Partial<Record<BudgetPeriod, number>>;

const USAGE = [
  'usage: npm run keys -- <subcommand>',
  '  create --name <name> --scopes <a,b>   create a key and print it once (scopes: ' + SCOPES.join(', ') + ')',
  '    [--budget-day USD] [--budget-month USD] [--budget-total USD]   spend limits of the key',
  '  list [--json]                         list keys (never the key itself)',
  '  revoke <id|prefix>                    revoke a key; it stops working at once',
].join('\n');

class UsageError extends Error {}

/** `keys` operator command: exit 0 on success, 2 on bad arguments, 1 when the key named does not exist. */
export async function runKeysCommand(
  args: string[],
  openDatabase: (database: GatewayConfig['database']) => Promise<DatabaseService>,
): Promise<number> {
  const [sub, ...rest] = args;
  let action: (cli: KeysCli) => Promise<void>;
  try {
    action = parseSubcommand(sub, rest);
  } catch (err) {
    if (!(err instanceof UsageError || err instanceof TypeError)) throw err;
    process.stderr.write(`keys: ${err.message}\n${USAGE}\n`);
    return 2;
  }
  const { config } = loadConfig();
  const db = await openDatabase(config.database);
  try {
    await db.migrate();
    const budgets = new BudgetsService(new BudgetsRepository(db), new Clock(), db, config);
    await budgets.reload();
    await action({ keys: new ApiKeysService(new ApiKeysRepository(db), db, config), budgets });
    return 0;
  } catch (err) {
    if (err instanceof ApiKeyInputError) {
      process.stderr.write(`keys: ${err.message}\n`);
      return 2;
    }
    if (err instanceof ApiKeyNotFoundError) {
      process.stderr.write(`keys: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await db.close();
  }
}

/** Validates the arguments before anything touches the database; node's parseArgs throws TypeError on unknown flags. */
function parseSubcommand(sub: string | undefined, rest: string[]): (cli: KeysCli) => Promise<void> {
  if (sub === 'create') {
    const { values } = parseArgs({
      args: rest,
      options: {
        name: { type: 'string' },
        scopes: { type: 'string' },
        'budget-day': { type: 'string' },
        'budget-month': { type: 'string' },
        'budget-total': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    });
    if (!values.name?.trim()) throw new UsageError('create needs --name <name>');
    if (!values.scopes?.trim()) throw new UsageError(`create needs --scopes <a,b> (choose from ${SCOPES.join(', ')})`);
    const budgets: Budgets = {};
    for (const period of ['day', 'month', 'total'] as const) {
      const raw = values[`budget-${period}`];
      if (raw === undefined) continue;
      const usd = Number(raw);
      if (!Number.isFinite(usd) || usd <= 0 || usd > 1_000_000)
        throw new UsageError(`--budget-${period} must be a number of USD above 0 and at most 1000000 (got "${raw}")`);
      budgets[period] = usd;
    }
    return (cli) => create(cli, values.name!, values.scopes!, budgets);
  }
  if (sub === 'list') {
    const { values } = parseArgs({
      args: rest,
      options: { json: { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    });
    return (cli) => list(cli, Boolean(values.json));
  }
  if (sub === 'revoke') {
    const { positionals } = parseArgs({ args: rest, options: {}, strict: true, allowPositionals: true });
    if (positionals.length !== 1) throw new UsageError('revoke needs exactly one key id or prefix');
    return (cli) => revoke(cli.keys, positionals[0]);
  }
  throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'a subcommand is needed');
}

async function create({ keys, budgets }: KeysCli, name: string, scopes: string, limits: Budgets): Promise<void> {
  const { key, info } = await keys.create({ name, scopes });
  for (const [period, limitUsd] of Object.entries(limits) as Array<[BudgetPeriod, number]>)
    await budgets.setBudget(info.id, { period, limitUsd });
  const spend = Object.entries(limits).map(([p, usd]) => `$${usd} per ${p}`);
  process.stdout.write(
    `created API key ${info.id} "${info.name}" (prefix ${info.prefix}) with scopes ${info.scopes.join(',')}` +
      `${spend.length ? ` and budget ${spend.join(', ')}` : ''}\n` +
      `${key}\n` +
      'This is the only time the key is shown: store it now. Send it as "Authorization: Bearer <key>".\n',
  );
}

async function list({ keys, budgets }: KeysCli, json: boolean): Promise<void> {
  const keyRows = await keys.list();
  const spend = await budgets.summaries(keyRows.map((k) => k.id));
  const rows = keyRows.map((k) => ({ ...k, budget: spend.get(k.id) ?? null }));
  if (json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  if (rows.length === 0) {
    process.stdout.write(
      'no API keys: the gateway runs open on loopback (create one with npm run keys -- create --name N --scopes a,b)\n',
    );
    return;
  }
  const lines = rows.map(formatRow);
  process.stdout.write(
    `${'ID'.padEnd(6)}${'PREFIX'.padEnd(14)}${'STATUS'.padEnd(9)}${'CREATED'.padEnd(26)}${'SCOPES'.padEnd(36)}${'BUDGET'.padEnd(28)}NAME\n${lines.join('\n')}\n`,
  );
}

function formatRow(k: ApiKeyInfo & { budget: BudgetSummary | null }): string {
  const status = k.revokedAt ? 'revoked' : 'active';
  const budget = k.budget ? `$${k.budget.spentUsd.toFixed(4)}/$${k.budget.limitUsd} ${k.budget.period}` : '-';
  return `${String(k.id).padEnd(6)}${k.prefix.padEnd(14)}${status.padEnd(9)}${k.createdAt.padEnd(26)}${k.scopes.join(',').padEnd(36)}${budget.padEnd(28)}${k.name}`;
}

async function revoke(keys: ApiKeysService, ref: string): Promise<void> {
  const { info, alreadyRevoked } = await keys.revoke(ref);
  process.stdout.write(
    alreadyRevoked
      ? `API key ${info.id} "${info.name}" was already revoked at ${info.revokedAt}\n`
      : `revoked API key ${info.id} "${info.name}" (prefix ${info.prefix})\n`,
  );
}
