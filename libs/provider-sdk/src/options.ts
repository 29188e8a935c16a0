import { z } from 'zod';
import { ProviderError } from './errors';
import type { ModelInfo, PluginContext } from './types';

/** A static model list in plugin options: plain ids or objects with details. */
export const modelListSchema = z
  .array(
    z.union([
      z.string().min(1),
      z.strictObject({
        id: z.string().min(1),
        contextWindow: z.number().int().positive().optional(),
        ownedBy: z.string().optional(),
      }),
    ]),
  )
  .min(1);

export type ModelListOption = z.infer<typeof modelListSchema>;

export function toModelInfos(models: ModelListOption, ownedBy?: string): ModelInfo[] {
  return models.map((m) => (typeof m === 'string' ? { id: m, ownedBy } : { ownedBy, ...m }));
}

/** Extra request headers in plugin options (literal values; secrets belong in env variables). */
export const headersSchema = z.record(z.string().min(1), z.string());

/**
 * Reads an API key through ctx.env. A configured but unset variable is reported once, by name
 * only, and every call then fails with 'auth' instead of sending an unauthenticated request.
 */
export function readApiKey(ctx: PluginContext, envName: string | undefined): { key?: string; missing?: ProviderError } {
  if (!envName) return {};
  const key = ctx.env(envName);
  if (key) return { key };
  ctx.logger.warn('API key environment variable is not set', { provider: ctx.providerId, variable: envName });
  return {
    missing: new ProviderError('auth', `${ctx.providerId}: environment variable ${envName} (the API key) is not set`),
  };
}
