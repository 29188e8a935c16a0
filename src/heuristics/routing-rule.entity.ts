import { Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { LAYERS, LayerName } from '../config/config.schema';

export const RULE_SOURCES = ['manual', 'optimizer'] as const;

export interface RoutingRuleMetadata {
  successRate?: number;
  usageCount?: number;
  reasoning?: string;
  [key: string]: unknown;
}

@Entity({ tableName: 'routing_rules' })
@Index({ name: 'routing_rules_active_priority_idx', properties: ['active', 'priority'] })
export class RoutingRule {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'text', unique: 'routing_rules_pattern_unique' })
  pattern!: string;

  @Enum({ items: () => LAYERS, columnType: 'varchar(10)' })
  preferredLayer!: LayerName;

  @Property({ type: 'string', length: 200, nullable: true })
  preferredModel?: string | null;

  @Property({ type: 'integer', default: 0 })
  @Index({ name: 'routing_rules_priority_idx' })
  priority: number = 0;

  @Property({ type: 'boolean', default: true })
  active: boolean = true;

  @Property({ type: 'json', default: '{}' })
  metadata: RoutingRuleMetadata = {};

  @Property({ type: 'boolean', default: false })
  pinned: boolean = false;

  @Enum({ items: () => RULE_SOURCES, columnType: 'varchar(20)', default: 'manual' })
  @Index({ name: 'routing_rules_source_idx' })
  source: 'manual' | 'optimizer' = 'manual';

  @Property({ type: 'datetime', columnType: 'timestamptz', onCreate: () => new Date() })
  @Index({ name: 'routing_rules_created_at_idx' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', onCreate: () => new Date(), onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
