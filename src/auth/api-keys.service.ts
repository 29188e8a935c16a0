import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { GATEWAY_CONFIG } from '../config/config.module';
import { GatewayConfig } from '../config/config.schema';
import { DatabaseService } from '../database/database.service';
import { PgChannelListener } from '../database/pg-channel-listener';
import { ApiKey } from './api-key.entity';
import { ApiKeyInputError, ApiKeyNotFoundError, AuthContext, parseScopes, Scope } from './scopes';

/** Postgres NOTIFY channel: every replica (and the CLI) announces key changes on it. */
export const API_KEYS_CHANNEL = 'api_keys_changed';

/** `gw_` + 32 random bytes as base64url (43 characters). */
const KEY_PATTERN = /^gw_[A-Za-z0-9_-]{43}$/;
const PREFIX_LENGTH = 12;
const MIN_PREFIX_REF = 6;
/** While the LISTEN connection is down (or on PGlite, never needed) the cache is reloaded this often. */
const POLL_MS = 1000;
/** A full reload now and then, whatever the notifications said. */
const SAFETY_RELOAD_MS = 60_000;
const MAX_RELOAD_ROUNDS = 10;

export interface ApiKeyInfo {
  id: number;
  name: string;
  prefix: string;
  scopes: Scope[];
  createdAt: string;
  revokedAt: string | null;
}

export interface CreatedApiKey {
  /** The plaintext key: shown once, never stored. */
  key: string;
  info: ApiKeyInfo;
}

export interface RevokeResult {
  info: ApiKeyInfo;
  alreadyRevoked: boolean;
}

interface CachedKey extends AuthContext {
  name: string;
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * API keys: creation (the key is returned once), listing, revocation, and verification against an
 * in-memory cache of the active keys (no query per request). The cache is invalidated at once by a
 * local revoke; other replicas hear of it through LISTEN/NOTIFY on `api_keys_changed` (Postgres), and
 * poll every second while that connection is down.
 */
@Injectable()
export class ApiKeysService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('ApiKeys');
  private cache = new Map<string, CachedKey>();
  /** Bumped by every change we learn of; a reload that raced one is run again. */
  private generation = 0;
  private reloading?: Promise<void>;
  private reloadAgain = false;
  private lastLoadedAt = 0;
  private listener?: PgChannelListener;
  private ticker?: NodeJS.Timeout;

  constructor(
    private readonly db: DatabaseService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.reload();
    if (this.db.kind === 'postgres' && this.config.database.url) {
      this.listener = new PgChannelListener(this.config.database.url, API_KEYS_CHANNEL, {
        onNotify: (payload) => this.onRemoteChange(payload),
        onConnected: () => void this.reload().catch(() => undefined),
      });
      await this.listener.start();
    }
    this.ticker = setInterval(() => this.tick(), POLL_MS);
    this.ticker.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.ticker);
    await this.listener?.stop();
  }

  /** The caller of a bearer key, or undefined for a malformed, unknown or revoked key. Synchronous: cache only. */
  verify(key: string): AuthContext | undefined {
    if (!KEY_PATTERN.test(key)) return undefined;
    const hit = this.cache.get(hashKey(key));
    return hit ? { keyId: hit.keyId, scopes: hit.scopes } : undefined;
  }

  /** True when at least one key is active: the gateway then requires a bearer key. */
  hasActiveKeys(): boolean {
    return this.cache.size > 0;
  }

  /** @throws ApiKeyInputError (an InvalidInputError) for an empty or over-long name, or unknown scopes */
  async create(input: { name: string; scopes: string | readonly string[] }): Promise<CreatedApiKey> {
    const name = (input.name ?? '').trim();
    if (name.length === 0) throw new ApiKeyInputError('a key needs a name (--name)');
    if (name.length > 100) throw new ApiKeyInputError(`the name is ${name.length} characters long; the limit is 100`);
    const scopes = parseScopes(input.scopes);
    const key = `gw_${randomBytes(32).toString('base64url')}`;
    const em = this.db.fork();
    const row = em.create(ApiKey, {
      name,
      keyHash: hashKey(key),
      keyPrefix: key.slice(0, PREFIX_LENGTH),
      scopes,
      createdAt: new Date(),
      revokedAt: null,
    });
    await em.persistAndFlush(row);
    this.generation++;
    this.cache.set(row.keyHash, { keyId: row.id, scopes: row.scopes, name: row.name });
    await this.notify('created');
    return { key, info: toInfo(row) };
  }

  async list(): Promise<ApiKeyInfo[]> {
    const rows = await this.db.fork().find(ApiKey, {}, { orderBy: { id: 'asc' } });
    return rows.map(toInfo);
  }

  /**
   * Revokes by id, by key prefix (at least 6 characters, unambiguous) or by the full key.
   * @throws ApiKeyInputError (an InvalidInputError) for an empty, too short or ambiguous reference
   * @throws ApiKeyNotFoundError (a NotFoundError) when nothing matches
   */
  async revoke(ref: string): Promise<RevokeResult> {
    const em = this.db.fork();
    const row = await this.findByRef(em, (ref ?? '').trim());
    if (row.revokedAt) return { info: toInfo(row), alreadyRevoked: true };
    row.revokedAt = new Date();
    await em.flush();
    this.generation++;
    this.cache.delete(row.keyHash);
    await this.notify(`revoked:${row.keyHash}`);
    return { info: toInfo(row), alreadyRevoked: false };
  }

  /** Reloads the active keys; concurrent calls share one run, and a run that raced a change is repeated. */
  reload(): Promise<void> {
    if (this.reloading) {
      this.reloadAgain = true;
      return this.reloading;
    }
    this.reloading = this.runReload().finally(() => (this.reloading = undefined));
    return this.reloading;
  }

  private async runReload(): Promise<void> {
    for (let round = 0; round < MAX_RELOAD_ROUNDS; round++) {
      this.reloadAgain = false;
      const generation = this.generation;
      const rows = await this.db.fork().find(ApiKey, { revokedAt: null });
      if (generation !== this.generation || this.reloadAgain) continue;
      this.apply(rows);
      return;
    }
    this.logger.warn(`API keys kept changing during ${MAX_RELOAD_ROUNDS} reloads; the next poll will retry`);
  }

  private apply(rows: ApiKey[]): void {
    const before = this.cache.size;
    this.cache = new Map(rows.map((r) => [r.keyHash, { keyId: r.id, scopes: r.scopes, name: r.name }]));
    this.lastLoadedAt = Date.now();
    if (before === 0 && this.cache.size > 0)
      this.logger.log(`${this.cache.size} API key(s) active: bearer keys are now required`);
    if (before > 0 && this.cache.size === 0) this.logger.warn('no API key is active any more');
  }

  private onRemoteChange(payload: string): void {
    this.generation++;
    if (payload.startsWith('revoked:')) this.cache.delete(payload.slice('revoked:'.length));
    this.reload().catch((err) => this.logger.warn(`reloading API keys failed: ${(err as Error).message}`));
  }

  private tick(): void {
    const polling = this.db.kind === 'postgres' && !this.listener?.connected;
    if (!polling && Date.now() - this.lastLoadedAt < SAFETY_RELOAD_MS) return;
    this.reload().catch((err) =>
      this.logger.warn(`reloading API keys failed (keeping the last known keys): ${(err as Error).message}`),
    );
  }

  private async notify(payload: string): Promise<void> {
    if (this.db.kind !== 'postgres') return;
    try {
      await this.db.fork().getConnection().execute('select pg_notify(?, ?)', [API_KEYS_CHANNEL, payload]);
    } catch (err) {
      this.logger.warn(
        `could not notify other replicas of an API key change (they poll within ${SAFETY_RELOAD_MS / 1000} s): ${(err as Error).message}`,
      );
    }
  }

  private async findByRef(em: ReturnType<DatabaseService['fork']>, ref: string): Promise<ApiKey> {
    if (ref.length === 0) throw new ApiKeyInputError('name the key to revoke by its id or prefix');
    if (/^\d+$/.test(ref)) {
      const byId = await em.findOne(ApiKey, { id: Number(ref) });
      if (!byId) throw new ApiKeyNotFoundError(`no API key with id ${ref}`);
      return byId;
    }
    if (KEY_PATTERN.test(ref)) {
      const byHash = await em.findOne(ApiKey, { keyHash: hashKey(ref) });
      if (!byHash) throw new ApiKeyNotFoundError('no API key matches the key given');
      return byHash;
    }
    if (ref.length < MIN_PREFIX_REF)
      throw new ApiKeyInputError(
        `"${ref}" is too short: give the id or at least ${MIN_PREFIX_REF} characters of the prefix`,
      );
    const matches = (await em.find(ApiKey, {}, { orderBy: { id: 'asc' } })).filter((k) => k.keyPrefix.startsWith(ref));
    const active = matches.filter((k) => !k.revokedAt);
    const pool = active.length > 0 ? active : matches;
    if (pool.length === 0) throw new ApiKeyNotFoundError(`no API key with the prefix "${ref}"`);
    if (pool.length > 1)
      throw new ApiKeyInputError(
        `the prefix "${ref}" matches ${pool.length} keys (ids ${pool.map((k) => k.id).join(', ')}); give the id`,
      );
    return pool[0];
  }
}

function toInfo(row: ApiKey): ApiKeyInfo {
  return {
    id: row.id,
    name: row.name,
    prefix: row.keyPrefix,
    scopes: [...row.scopes],
    createdAt: row.createdAt.toISOString(),
    revokedAt: row.revokedAt ? row.revokedAt.toISOString() : null,
  };
}
