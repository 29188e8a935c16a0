import type { Knex } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { LayerName } from '../config/config.schema';
import { DatabaseService } from '../database/database.service';
import { queryRows } from '../database/query';
import type { RoutingRuleDto } from './heuristics.schemas';
import type { MatchedRule } from './rule-matcher';
import { RoutingRule, RoutingRuleMetadata } from './routing-rule.entity';

export type RuleSource = 'manual' | 'optimizer';

/** An upsert by pattern: undefined optional fields keep the stored value on update (defaults on insert). */
export interface RuleUpsert {
  pattern: string;
  preferredLayer: LayerName;
  /** undefined keeps the stored value on update; null clears it. */
  preferredModel?: string | null;
  priority?: number;
  active?: boolean;
  pinned?: boolean;
  /** Merged into the stored metadata (top-level keys replaced). */
  metadata: RoutingRuleMetadata;
  /** Only used when the rule is created; an existing rule keeps its source. */
  source: RuleSource;
}

/** What an update may change; undefined fields stay as they are. */
export interface RulePatch {
  preferredLayer?: LayerName;
  preferredModel?: string | null;
  priority?: number;
  active?: boolean;
  pinned?: boolean;
  /** Merged into the stored metadata (top-level keys replaced). */
  metadata?: RoutingRuleMetadata;
}

export interface RuleFilter {
  activeOnly?: boolean;
  source?: RuleSource;
  pinned?: boolean;
  limit?: number;
  offset?: number;
}

/** Columns an update may set, with how each value is bound. */
const PATCH_COLUMNS = {
  preferredLayer: 'preferred_layer = ?',
  preferredModel: 'preferred_model = ?',
  priority: 'priority = ?',
  active: 'active = ?',
  pinned: 'pinned = ?',
  metadata: 'metadata = routing_rules.metadata || ?::jsonb',
} as const;

/** routing_rules: upsert by pattern, partial updates, listing, and the active rules the matcher compiles. */
@Injectable()
export class HeuristicsRepository {
  constructor(private readonly db: DatabaseService) {}

  /** Insert or update by pattern in one statement; `created` tells which happened. */
  async upsertByPattern(rule: RuleUpsert): Promise<{ rule: RoutingRuleDto; created: boolean }> {
    const sets = [
      'preferred_layer = excluded.preferred_layer',
      'metadata = routing_rules.metadata || excluded.metadata',
      'updated_at = now()',
    ];
    if (rule.preferredModel !== undefined) sets.push('preferred_model = excluded.preferred_model');
    if (rule.priority !== undefined) sets.push('priority = excluded.priority');
    if (rule.active !== undefined) sets.push('active = excluded.active');
    if (rule.pinned !== undefined) sets.push('pinned = excluded.pinned');
    const sql = `insert into routing_rules (pattern, preferred_layer, preferred_model, priority, active, metadata, pinned, source, created_at, updated_at)
      values (?, ?, ?, ?, ?, ?::jsonb, ?, ?, now(), now())
      on conflict (pattern) do update set ${sets.join(', ')}
      returning *, (xmax = 0) as inserted`;
    const params = [
      rule.pattern,
      rule.preferredLayer,
      rule.preferredModel ?? null,
      rule.priority ?? 0,
      rule.active ?? true,
      JSON.stringify(rule.metadata),
      rule.pinned ?? false,
      rule.source,
    ];
    const em = this.db.fork();
    const [row] = await queryRows(em, sql, params);
    const { inserted, ...columns } = row;
    return { rule: toRuleDto(em.map(RoutingRule, columns)), created: inserted === true };
  }

  /** Applies a partial change atomically; undefined for an unknown id. */
  async update(id: number, patch: RulePatch): Promise<RoutingRuleDto | undefined> {
    const sets: string[] = ['updated_at = now()'];
    const params: Knex.Value[] = [];
    for (const key of Object.keys(PATCH_COLUMNS) as (keyof RulePatch)[]) {
      const value = patch[key];
      if (value === undefined) continue;
      sets.push(PATCH_COLUMNS[key]);
      params.push(key === 'metadata' ? JSON.stringify(value) : (value as Knex.Value));
    }
    const em = this.db.fork();
    const rows = await queryRows(em, `update routing_rules set ${sets.join(', ')} where id = ? returning *`, [
      ...params,
      id,
    ]);
    return rows.length === 0 ? undefined : toRuleDto(em.map(RoutingRule, rows[0]));
  }

  async findById(id: number): Promise<RoutingRuleDto | undefined> {
    const rule = await this.db.fork().findOne(RoutingRule, { id });
    return rule ? toRuleDto(rule) : undefined;
  }

  /** Highest priority first, then newest. */
  async list(filter: RuleFilter = {}): Promise<{ items: RoutingRuleDto[]; total: number }> {
    const where: Record<string, unknown> = {};
    if (filter.activeOnly) where.active = true;
    if (filter.source) where.source = filter.source;
    if (filter.pinned !== undefined) where.pinned = filter.pinned;
    const [rules, total] = await this.db.fork().findAndCount(RoutingRule, where, {
      orderBy: { priority: 'desc', createdAt: 'desc', id: 'desc' },
      limit: filter.limit ?? 100,
      offset: filter.offset ?? 0,
    });
    return { items: rules.map(toRuleDto), total };
  }

  /** The active rules, in matching order (priority desc, then oldest first). */
  async listActiveForMatching(): Promise<MatchedRule[]> {
    const rows = await queryRows<{
      id: number;
      pattern: string;
      preferred_layer: LayerName;
      preferred_model: string | null;
      priority: number;
    }>(
      this.db.fork(),
      'select id, pattern, preferred_layer, preferred_model, priority from routing_rules where active order by priority desc, id asc',
    );
    return rows.map((r) => ({
      id: r.id,
      pattern: r.pattern,
      preferredLayer: r.preferred_layer,
      preferredModel: r.preferred_model,
      priority: r.priority,
    }));
  }

  /** How many rules are stored, and how many of them are active. */
  async countByActivity(): Promise<{ active: number; total: number }> {
    const [c] = await queryRows<{ active: number; total: number }>(
      this.db.fork(),
      'select count(*) filter (where active)::int as active, count(*)::int as total from routing_rules',
    );
    return { active: Number(c.active), total: Number(c.total) };
  }
}

function toRuleDto(rule: RoutingRule): RoutingRuleDto {
  return {
    id: rule.id,
    pattern: rule.pattern,
    preferredLayer: rule.preferredLayer,
    preferredModel: rule.preferredModel ?? null,
    priority: rule.priority,
    active: rule.active,
    pinned: rule.pinned,
    source: rule.source,
    metadata: rule.metadata ?? {},
    createdAt: new Date(rule.createdAt).toISOString(),
    updatedAt: new Date(rule.updatedAt).toISOString(),
  };
}
