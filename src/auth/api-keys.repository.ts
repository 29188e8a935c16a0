import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database/database.service';
import { queryRows } from '../database/query';
import { ApiKey, Scope } from './api-key.entity';

/** One api_keys row (the key itself is never stored: only its sha256 and prefix). */
export interface ApiKeyRecord {
  id: number;
  name: string;
  keyHash: string;
  keyPrefix: string;
  scopes: Scope[];
  createdAt: Date;
  revokedAt: Date | null;
}

/** api_keys: insert, lookups by id or hash, listing, revocation. */
@Injectable()
export class ApiKeysRepository {
  constructor(private readonly db: DatabaseService) {}

  async insert(key: { name: string; keyHash: string; keyPrefix: string; scopes: Scope[] }): Promise<ApiKeyRecord> {
    const em = this.db.fork();
    const row = em.create(ApiKey, { ...key, createdAt: new Date(), revokedAt: null });
    await em.persistAndFlush(row);
    return toRecord(row);
  }

  /** Every key, revoked ones too, oldest first. */
  async listAll(): Promise<ApiKeyRecord[]> {
    return (await this.db.fork().find(ApiKey, {}, { orderBy: { id: 'asc' } })).map(toRecord);
  }

  /** True once any key was ever created (revoked ones count). */
  async anyEver(): Promise<boolean> {
    return (await this.db.fork().count(ApiKey, {})) > 0;
  }

  async listActive(): Promise<ApiKeyRecord[]> {
    return (await this.db.fork().find(ApiKey, { revokedAt: null })).map(toRecord);
  }

  async findById(id: number): Promise<ApiKeyRecord | undefined> {
    const row = await this.db.fork().findOne(ApiKey, { id });
    return row ? toRecord(row) : undefined;
  }

  async findByHash(keyHash: string): Promise<ApiKeyRecord | undefined> {
    const row = await this.db.fork().findOne(ApiKey, { keyHash });
    return row ? toRecord(row) : undefined;
  }

  async markRevoked(id: number, at: Date): Promise<void> {
    await this.db.fork().nativeUpdate(ApiKey, { id }, { revokedAt: at });
  }

  /** Moves each key's last use forward to the time given (never back: replicas write their own). */
  async markUsed(uses: ReadonlyMap<number, Date>): Promise<void> {
    const em = this.db.fork();
    for (const [id, at] of uses)
      await queryRows(em, 'update api_keys set last_used_at = greatest(last_used_at, ?) where id = ?', [at, id]);
  }

  /** The last use of every key that has one, by id. */
  async lastUses(): Promise<Map<number, Date>> {
    const rows = await queryRows<{ id: number; last_used_at: string | Date }>(
      this.db.fork(),
      'select id, last_used_at from api_keys where last_used_at is not null',
    );
    return new Map(rows.map((r) => [Number(r.id), new Date(r.last_used_at)]));
  }
}

function toRecord(row: ApiKey): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    keyHash: row.keyHash,
    keyPrefix: row.keyPrefix,
    scopes: [...row.scopes],
    createdAt: new Date(row.createdAt),
    revokedAt: row.revokedAt ? new Date(row.revokedAt) : null,
  };
}
