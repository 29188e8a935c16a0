import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { GATEWAY_CONFIG } from '../config/config.module';
import { GatewayConfig } from '../config/config.schema';
import { DatabaseService } from '../database/database.service';
import { NotifiedCache } from '../database/notified-cache';
import { ApiKeyRecord, ApiKeysRepository } from './api-keys.repository';
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
  prefix: string;
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
  /** The active keys by sha256. */
  private readonly active: NotifiedCache<Map<string, CachedKey>>;
  /** Once a key existed the gateway never falls back to open mode by itself (revoking every key closes it). */
  private everHadKeys = false;
  private readonly listeners: Array<() => void> = [];

  constructor(
    private readonly keys: ApiKeysRepository,
    db: DatabaseService,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.active = new NotifiedCache(db, config.database.url, {
      channel: API_KEYS_CHANNEL,
      eager: true,
      load: async () => {
        const [active, any] = await Promise.all([this.keys.listActive(), this.keys.anyEver()]);
        this.everHadKeys ||= any || active.length > 0;
        return new Map(active.map((r) => [r.keyHash, cached(r)]));
      },
      // A revoke elsewhere stops the key here at once, before the reload lands.
      onNotify: (payload) => {
        // A key was created or revoked somewhere: this gateway has had keys, whatever the reload says.
        if (payload === 'created' || payload.startsWith('revoked:')) this.everHadKeys = true;
        if (payload.startsWith('revoked:') && this.active.value?.delete(payload.slice('revoked:'.length)))
          this.announce();
      },
      onLoaded: () => this.announce(),
      pollMs: POLL_MS,
      maxAgeMs: SAFETY_RELOAD_MS,
    });
  }

  async onModuleInit(): Promise<void> {
    await this.active.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.active.stop();
  }

  /** The caller of a bearer key, or undefined for a malformed, unknown or revoked key. Synchronous: cache only. */
  verify(key: string): AuthContext | undefined {
    if (!KEY_PATTERN.test(key)) return undefined;
    const hit = this.active.value?.get(hashKey(key));
    return hit ? { keyId: hit.keyId, scopes: hit.scopes } : undefined;
  }

  /** The name and prefix of an active key, from the cache; undefined when no active key has this id. */
  activeKey(keyId: number): { id: number; name: string; prefix: string } | undefined {
    for (const k of this.active.value?.values() ?? [])
      if (k.keyId === keyId) return { id: k.keyId, name: k.name, prefix: k.prefix };
    return undefined;
  }

  /** True when at least one key is active: the gateway then requires a bearer key. */
  hasActiveKeys(): boolean {
    return (this.active.value?.size ?? 0) > 0;
  }

  /** True when a key was ever created here (on any replica), revoked or not. */
  hadKeys(): boolean {
    return this.everHadKeys;
  }

  /** Called after every change of the active keys (local or heard from another replica). */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** @throws ApiKeyInputError (an InvalidInputError) for an empty or over-long name, or unknown scopes */
  async create(input: { name: string; scopes: string | readonly string[] }): Promise<CreatedApiKey> {
    const name = (input.name ?? '').trim();
    if (name.length === 0) throw new ApiKeyInputError('a key needs a name (--name)');
    if (name.length > 100) throw new ApiKeyInputError(`the name is ${name.length} characters long; the limit is 100`);
    const scopes = parseScopes(input.scopes);
    const key = `gw_${randomBytes(32).toString('base64url')}`;
    const row = await this.keys.insert({
      name,
      keyHash: hashKey(key),
      keyPrefix: key.slice(0, PREFIX_LENGTH),
      scopes,
    });
    this.active.value?.set(row.keyHash, cached(row));
    this.everHadKeys = true;
    this.announce();
    await this.active.changed('created');
    return { key, info: toInfo(row) };
  }

  async list(): Promise<ApiKeyInfo[]> {
    return (await this.keys.listAll()).map(toInfo);
  }

  /**
   * Revokes by id, by key prefix (at least 6 characters, unambiguous) or by the full key.
   * @throws ApiKeyInputError (an InvalidInputError) for an empty, too short or ambiguous reference
   * @throws ApiKeyNotFoundError (a NotFoundError) when nothing matches
   */
  async revoke(ref: string): Promise<RevokeResult> {
    const row = await this.findByRef((ref ?? '').trim());
    if (row.revokedAt) return { info: toInfo(row), alreadyRevoked: true };
    const revoked = { ...row, revokedAt: new Date() };
    await this.keys.markRevoked(row.id, revoked.revokedAt);
    this.active.value?.delete(row.keyHash);
    this.announce();
    await this.active.changed(`revoked:${row.keyHash}`);
    return { info: toInfo(revoked), alreadyRevoked: false };
  }

  /** Reloads the active keys; concurrent calls share one run, and a run that raced a change is repeated. */
  async reload(): Promise<void> {
    await this.active.refresh();
  }

  private announce(): void {
    for (const listener of this.listeners) listener();
  }

  private async findByRef(ref: string): Promise<ApiKeyRecord> {
    if (ref.length === 0) throw new ApiKeyInputError('name the key to revoke by its id or prefix');
    if (/^\d+$/.test(ref)) {
      const byId = await this.keys.findById(Number(ref));
      if (!byId) throw new ApiKeyNotFoundError(`no API key with id ${ref}`);
      return byId;
    }
    if (KEY_PATTERN.test(ref)) {
      const byHash = await this.keys.findByHash(hashKey(ref));
      if (!byHash) throw new ApiKeyNotFoundError('no API key matches the key given');
      return byHash;
    }
    if (ref.length < MIN_PREFIX_REF)
      throw new ApiKeyInputError(
        `"${ref}" is too short: give the id or at least ${MIN_PREFIX_REF} characters of the prefix`,
      );
    const matches = (await this.keys.listAll()).filter((k) => k.keyPrefix.startsWith(ref));
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

function cached(row: ApiKeyRecord): CachedKey {
  return { keyId: row.id, scopes: row.scopes, name: row.name, prefix: row.keyPrefix };
}

function toInfo(row: ApiKeyRecord): ApiKeyInfo {
  return {
    id: row.id,
    name: row.name,
    prefix: row.keyPrefix,
    scopes: [...row.scopes],
    createdAt: row.createdAt.toISOString(),
    revokedAt: row.revokedAt ? row.revokedAt.toISOString() : null,
  };
}
