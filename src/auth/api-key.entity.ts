import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

export const SCOPES = ['route', 'tools:read', 'tools:write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

@Entity({ tableName: 'api_keys' })
export class ApiKey {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 100 })
  @Index({ name: 'api_keys_name_idx' })
  name!: string;

  /** sha256 of the key; the key itself is shown once and never stored. */
  @Property({ type: 'string', length: 64, unique: 'api_keys_key_hash_unique' })
  keyHash!: string;

  /** First characters of the key, to tell keys apart in listings. */
  @Property({ type: 'string', length: 16 })
  keyPrefix!: string;

  @Property({ type: 'json' })
  scopes: Scope[] = [];

  @Property({ type: 'datetime', columnType: 'timestamptz', onCreate: () => new Date() })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  @Index({ name: 'api_keys_revoked_at_idx' })
  revokedAt?: Date | null;

  /** When the key last authenticated a request (flushed from memory every minute and at stop). */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  lastUsedAt?: Date | null;
}
