import { Injectable } from '@nestjs/common';
import type { z } from 'zod';
import {
  CONSOLE_SCOPES,
  CONSOLE_TOOLS,
  ConsoleToolOutput,
  createApiKeyInput,
  listApiKeysInput,
  revokeApiKeyInput,
} from '../console-contract/console-tools.contract';
import { InvalidInputError } from '../errors';
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
    return {
      items: keys
        .filter((k) => input.includeRevoked || k.revokedAt === null)
        .map((k) => summary(k, uses.get(k.id) ?? null)),
    };
  }

  @Tool({
    name: 'create_api_key',
    ...CONSOLE_TOOLS.create_api_key,
    text: (r: ConsoleToolOutput<'create_api_key'>) =>
      `Created key ${r.apiKey.id} "${r.apiKey.name}" (${r.apiKey.scopes.join(', ')}). Store it now; it is not shown again:\n${r.key}`,
  })
  async createApiKey(input: z.output<typeof createApiKeyInput>): Promise<ConsoleToolOutput<'create_api_key'>> {
    // Spend budgets are kept by the budgets module (set_key_budget); a key is never created without the budget asked for.
    if (input.budget) throw InvalidInputError.field('budget', 'this gateway does not keep key budgets');
    const { key, info } = await this.keys.create({ name: input.name, scopes: input.scopes });
    return { key, apiKey: summary(info, null) };
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
    return { apiKey: summary(info, uses.get(info.id) ?? null), alreadyRevoked };
  }
}

function summary(k: ApiKeyInfo, lastUsedAt: Date | null): Summary {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes: [...k.scopes],
    createdAt: k.createdAt,
    revokedAt: k.revokedAt,
    lastUsedAt: lastUsedAt ? lastUsedAt.toISOString() : null,
    budget: null,
  };
}
