import { Injectable } from '@nestjs/common';
import type { z } from 'zod';
import {
  CONSOLE_SCOPES,
  CONSOLE_TOOLS,
  ConsoleToolOutput,
  createApiKeyInput,
  listApiKeysInput,
  revokeApiKeyInput,
  setKeyBudgetInput,
} from '@ai-mcp-gateway/console-contract';
import { BudgetsService, BudgetSummary } from '../budgets/budgets.service';
import { NotFoundError } from '../errors';
import { Tool } from '../tools/tool.decorator';
import type { ToolContext } from '../tools/tool.types';
import { ApiKeyUsage } from './api-key-usage';
import { ApiKeyInfo, ApiKeysService } from './api-keys.service';

type Summary = ConsoleToolOutput<'list_api_keys'>['items'][number];

/** whoami and the admin tools over API keys (the key itself is shown once, by create_api_key). */
@Injectable()
export class ApiKeysTools {
  constructor(
    private readonly keys: ApiKeysService,
    private readonly usage: ApiKeyUsage,
    private readonly budgets: BudgetsService,
  ) {}

  @Tool({
    name: 'whoami',
    ...CONSOLE_TOOLS.whoami,
    text: (r: ConsoleToolOutput<'whoami'>) =>
      r.open
        ? 'The gateway runs open (no API key exists): every scope.'
        : `Key ${r.key ? `${r.key.id} "${r.key.name}" (${r.key.prefix})` : '(unknown)'}: ${r.scopes.join(', ')}`,
  })
  whoami(_input: unknown, ctx: ToolContext): Promise<ConsoleToolOutput<'whoami'>> {
    // No scopes on the context: the caller was let in without a key (open loopback gateway, or MCP over stdio).
    if (!ctx.scopes) return Promise.resolve({ open: true, scopes: [...CONSOLE_SCOPES], key: null });
    const scopes = CONSOLE_SCOPES.filter((s) => ctx.scopes!.includes(s));
    const key = ctx.keyId !== undefined ? (this.keys.activeKey(ctx.keyId) ?? null) : null;
    return Promise.resolve({ open: false, scopes: scopes.includes('admin') ? [...CONSOLE_SCOPES] : scopes, key });
  }

  @Tool({
    name: 'list_api_keys',
    ...CONSOLE_TOOLS.list_api_keys,
    text: (r: ConsoleToolOutput<'list_api_keys'>) =>
      r.items
        .map((k) => `${k.id} ${k.name} (${k.prefix}) ${k.scopes.join(',')}${k.revokedAt ? ' revoked' : ''}`)
        .join('\n') || 'No API key exists.',
  })
  async listApiKeys(input: z.output<typeof listApiKeysInput>): Promise<ConsoleToolOutput<'list_api_keys'>> {
    const [keys, uses] = await Promise.all([this.keys.list(), this.usage.lastUses()]);
    const shown = keys.filter((k) => input.includeRevoked || k.revokedAt === null);
    const budgets = await this.budgets.summaries(shown.map((k) => k.id));
    return { items: shown.map((k) => summary(k, uses.get(k.id) ?? null, budgets.get(k.id) ?? null)) };
  }

  @Tool({
    name: 'create_api_key',
    ...CONSOLE_TOOLS.create_api_key,
    text: (r: ConsoleToolOutput<'create_api_key'>) =>
      `Created key ${r.apiKey.id} "${r.apiKey.name}" (${r.apiKey.scopes.join(', ')}). Store it now; it is not shown again:\n${r.key}`,
  })
  async createApiKey(input: z.output<typeof createApiKeyInput>): Promise<ConsoleToolOutput<'create_api_key'>> {
    const { key, info } = await this.keys.create({ name: input.name, scopes: input.scopes });
    if (input.budget) await this.budgets.setBudget(info.id, input.budget);
    return { key, apiKey: summary(info, null, await this.budgets.summary(info.id)) };
  }

  @Tool({
    name: 'revoke_api_key',
    ...CONSOLE_TOOLS.revoke_api_key,
    text: (r: ConsoleToolOutput<'revoke_api_key'>) =>
      `Key ${r.apiKey.id} "${r.apiKey.name}" ${r.alreadyRevoked ? 'was already revoked' : 'is revoked'}.`,
  })
  async revokeApiKey(input: z.output<typeof revokeApiKeyInput>): Promise<ConsoleToolOutput<'revoke_api_key'>> {
    const { info, alreadyRevoked } = await this.keys.revoke(String(input.id));
    const uses = await this.usage.lastUses();
    const budget = await this.budgets.summary(info.id);
    return { apiKey: summary(info, uses.get(info.id) ?? null, budget), alreadyRevoked };
  }

  /** @throws NotFoundError (param `id`) for a key that does not exist */
  @Tool({
    name: 'set_key_budget',
    ...CONSOLE_TOOLS.set_key_budget,
    text: (r: ConsoleToolOutput<'set_key_budget'>) =>
      r.apiKey.budget
        ? `Key ${r.apiKey.id} "${r.apiKey.name}": $${r.apiKey.budget.spentUsd.toFixed(4)} of $${r.apiKey.budget.limitUsd} per ${r.apiKey.budget.period} spent.`
        : `Key ${r.apiKey.id} "${r.apiKey.name}" has no budget.`,
  })
  async setKeyBudget(input: z.output<typeof setKeyBudgetInput>): Promise<ConsoleToolOutput<'set_key_budget'>> {
    const info = (await this.keys.list()).find((k) => k.id === input.id);
    if (!info) throw new NotFoundError(`no API key with id ${input.id}`, { param: 'id' });
    await this.budgets.setBudget(info.id, input.budget);
    const uses = await this.usage.lastUses();
    return { apiKey: summary(info, uses.get(info.id) ?? null, await this.budgets.summary(info.id)) };
  }
}

function summary(k: ApiKeyInfo, lastUsedAt: Date | null, budget: BudgetSummary | null): Summary {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes: [...k.scopes],
    createdAt: k.createdAt,
    revokedAt: k.revokedAt,
    lastUsedAt: lastUsedAt ? lastUsedAt.toISOString() : null,
    budget,
  };
}
