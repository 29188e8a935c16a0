import { EntityManager, Knex } from '@mikro-orm/postgresql';
import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { GATEWAY_CONFIG } from '../config/config.module';
import type { GatewayConfig, LayerName } from '../config/config.schema';
import { DatabaseService } from '../database/database.service';
import { InvalidInputError, NotFoundError } from '../errors';
import type { RoutingRuleDto } from './heuristics.schemas';
import { PgChannelListener } from '../database/pg-channel-listener';
import { compileRulePattern, MatchedRule, RuleMatcher } from './rule-matcher';
import { RoutingRule, RoutingRuleMetadata } from './routing-rule.entity';
import { queryRows } from '../database/query';

export const RULES_CHANGED_CHANNEL = 'routing_rules_changed';

export type RuleSource = 'manual' | 'optimizer';

export interface UpsertRuleInput {
  pattern: string;
  preferredLayer: LayerName;
  /** undefined keeps the stored value on update; null clears it. */
  preferredModel?: string | null;
  reasoning?: string;
  successRate?: number;
  usageCount?: number;
  active?: boolean;
  priority?: number;
  pinned?: boolean;
  /** Only used when the rule is created; an existing rule keeps its source. */
  source?: RuleSource;
}

/** What the optimizer (and operators) may change on an existing rule; undefined fields stay as they are. */
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

/** routing_rules: validated (RE2) upserts and updates, listing, and the cached matcher the router uses. */
@Injectable()
export class HeuristicsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Heuristics');
  /** Bumped by every write here and every change notified by another replica; the matcher follows it. */
  private version = 0;
  private cached?: RuleMatcher;
  private building?: { version: number; promise: Promise<RuleMatcher> };
  private listener?: PgChannelListener;

  constructor(
    private readonly db: DatabaseService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const url = this.config.database.url;
    if (this.db.kind !== 'postgres' || !url) return;
    this.listener = new PgChannelListener(url, RULES_CHANGED_CHANNEL, {
      onNotify: () => this.invalidate(),
      onConnected: () => this.invalidate(),
    });
    await this.listener.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.listener?.stop();
    this.listener = undefined;
  }

  /** The current cache generation (for diagnostics and tests). */
  get matcherVersion(): number {
    return this.version;
  }

  /** Drops the compiled matcher; the next getMatcher() reloads the active rules. */
  invalidate(): void {
    this.version++;
  }

  /**
   * Checks that RE2 compiles the pattern within the length cap.
   * @throws InvalidInputError (field `pattern`) when it is empty, too long or refused by RE2
   */
  validatePattern(pattern: string): void {
    const max = this.config.security.maxPatternLength;
    if (pattern.length === 0) throw InvalidInputError.field('pattern', 'must not be empty');
    if (pattern.length > max)
      throw InvalidInputError.field(
        'pattern',
        `is ${pattern.length} characters long; the limit (security.maxPatternLength) is ${max}`,
      );
    try {
      compileRulePattern(pattern);
    } catch (err) {
      throw InvalidInputError.field('pattern', `RE2 rejects this pattern: ${(err as Error).message}`);
    }
  }

  /**
   * Insert or update by pattern in one statement; `created` tells which happened.
   * @throws InvalidInputError (field `pattern`) as validatePattern
   */
  async upsertRule(input: UpsertRuleInput): Promise<{ rule: RoutingRuleDto; created: boolean }> {
    this.validatePattern(input.pattern);
    const metadata = pickMetadata(input);
    const sets = [
      'preferred_layer = excluded.preferred_layer',
      'metadata = routing_rules.metadata || excluded.metadata',
      'updated_at = now()',
    ];
    if (input.preferredModel !== undefined) sets.push('preferred_model = excluded.preferred_model');
    if (input.priority !== undefined) sets.push('priority = excluded.priority');
    if (input.active !== undefined) sets.push('active = excluded.active');
    if (input.pinned !== undefined) sets.push('pinned = excluded.pinned');
    const sql = `insert into routing_rules (pattern, preferred_layer, preferred_model, priority, active, metadata, pinned, source, created_at, updated_at)
      values (?, ?, ?, ?, ?, ?::jsonb, ?, ?, now(), now())
      on conflict (pattern) do update set ${sets.join(', ')}
      returning *, (xmax = 0) as inserted`;
    const params = [
      input.pattern,
      input.preferredLayer,
      input.preferredModel ?? null,
      input.priority ?? 0,
      input.active ?? true,
      JSON.stringify(metadata),
      input.pinned ?? false,
      input.source ?? 'manual',
    ];
    const em = this.db.fork();
    const [row] = await queryRows(em, sql, params);
    await this.changed(em);
    const { inserted, ...columns } = row;
    return { rule: toRuleDto(em.map(RoutingRule, columns)), created: inserted === true };
  }

  /**
   * Applies a partial change atomically.
   * @throws NotFoundError for an unknown id
   */
  async updateRule(id: number, patch: RulePatch): Promise<RoutingRuleDto> {
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
    if (rows.length === 0) throw new NotFoundError(`routing rule ${id} does not exist`);
    await this.changed(em);
    return toRuleDto(em.map(RoutingRule, rows[0]));
  }

  async getRule(id: number): Promise<RoutingRuleDto | undefined> {
    const rule = await this.db.fork().findOne(RoutingRule, { id });
    return rule ? toRuleDto(rule) : undefined;
  }

  /** Highest priority first, then newest. */
  async listRules(filter: RuleFilter = {}): Promise<{ items: RoutingRuleDto[]; total: number }> {
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

  /**
   * The compiled matcher for the active rules, rebuilt lazily after any change. Concurrent callers
   * share one rebuild; if the database is unreachable the last good matcher keeps routing.
   */
  async getMatcher(): Promise<RuleMatcher> {
    if (this.cached && this.cached.version === this.version) return this.cached;
    if (this.building && this.building.version === this.version) return this.building.promise;
    const version = this.version;
    const promise = this.buildMatcher(version).finally(() => {
      if (this.building?.promise === promise) this.building = undefined;
    });
    this.building = { version, promise };
    return promise;
  }

  private async buildMatcher(version: number): Promise<RuleMatcher> {
    let rules: MatchedRule[];
    try {
      rules = await this.loadActiveRules();
    } catch (err) {
      if (!this.cached) throw err;
      this.logger.warn(`reloading routing rules failed (${(err as Error).message}); keeping the previous matcher`);
      return this.cached;
    }
    const matcher = RuleMatcher.compile(rules, version);
    if (matcher.skipped.length > 0)
      this.logger.warn(`routing rules ${matcher.skipped.join(', ')} do not compile under RE2 and are ignored`);
    if (!this.cached || this.cached.version <= version) this.cached = matcher;
    return matcher;
  }

  private async loadActiveRules(): Promise<MatchedRule[]> {
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

  /** Invalidates this replica at once and, on Postgres, tells the others. A failed NOTIFY never fails the write. */
  private async changed(em: EntityManager): Promise<void> {
    this.invalidate();
    if (this.db.kind !== 'postgres') return;
    try {
      await queryRows(em, 'select pg_notify(?, ?)', [RULES_CHANGED_CHANNEL, String(process.pid)]);
    } catch (err) {
      this.logger.warn(`NOTIFY ${RULES_CHANGED_CHANNEL} failed: ${(err as Error).message}`);
    }
  }
}

/**
 * One statement with server-side bound parameters. MikroORM's execute() inlines values into the SQL text,
 * and the PGlite dialect then takes a ';' inside a value for a statement separator (and returns nested results).
 */

function pickMetadata(input: UpsertRuleInput): RoutingRuleMetadata {
  const metadata: RoutingRuleMetadata = {};
  if (input.successRate !== undefined) metadata.successRate = input.successRate;
  if (input.usageCount !== undefined) metadata.usageCount = input.usageCount;
  if (input.reasoning !== undefined) metadata.reasoning = input.reasoning;
  return metadata;
}

export function toRuleDto(rule: RoutingRule): RoutingRuleDto {
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
