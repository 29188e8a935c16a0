import { readApiKey } from './options';
import { internalCall } from './validate';
import { HttpUpstream } from './http';
import type { ProviderError } from './errors';
import type { HealthStatus, PluginContext } from './types';

export interface HttpProviderSetup {
  baseUrl: string;
  /** Extra headers from the plugin's options. */
  headers?: Record<string, string>;
  maxConnections: number;
  /** Environment variable holding the API key; none for keyless servers. */
  apiKeyEnv?: string;
  /** How the upstream wants the key (Authorization: Bearer, x-api-key...). */
  authHeaders: (key: string) => Record<string, string>;
  /** A cheap GET that proves the upstream answers and accepts the key. */
  healthPath: string;
}

/**
 * The part every HTTP plugin shares: the API key read once (a missing key fails each call with `auth`
 * before anything is sent), a pooled keep-alive upstream that redacts the key from errors, a health
 * probe and closing. Plugins extend it and add listModels/chat/chatStream.
 */
export abstract class HttpProvider {
  protected readonly http: HttpUpstream;
  private readonly missingKey?: ProviderError;
  private readonly healthPath: string;

  protected constructor(
    protected readonly ctx: PluginContext,
    setup: HttpProviderSetup,
  ) {
    const { key, missing } = readApiKey(ctx, setup.apiKeyEnv);
    this.missingKey = missing;
    this.healthPath = setup.healthPath;
    const headers = { ...setup.headers, ...(key ? setup.authHeaders(key) : {}) };
    this.http = new HttpUpstream({
      baseUrl: setup.baseUrl,
      headers,
      maxConnections: setup.maxConnections,
      name: ctx.providerId,
      secrets: key ? [key] : [],
    });
  }

  /** Throws the missing-key error, if any, before a request is sent. */
  protected requireKey(): void {
    if (this.missingKey) throw this.missingKey;
  }

  async healthCheck(): Promise<HealthStatus> {
    try {
      this.requireKey();
      await this.http.json({ method: 'GET', path: this.healthPath }, internalCall(5000));
      return { ok: true };
    } catch (err) {
      return { ok: false, detail: (err as Error).message };
    }
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}
