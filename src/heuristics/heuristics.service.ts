import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { GATEWAY_CONFIG } from '../config/config.module';
import type { GatewayConfig, LayerName } from '../config/config.schema';
import { DatabaseService } from '../database/database.service';
import { NotifiedCache } from '../database/notified-cache';
import { InvalidInputError, NotFoundError } from '../errors';
import { ModelCatalogue } from '../providers/model-catalogue';
import type { RoutingRuleDto } from './heuristics.schemas';
import { HeuristicsRepository, RuleFilter, RulePatch, RuleSource } from './heuristics.repository';
import { compileRulePattern, RuleMatcher } from './rule-matcher';
import { RoutingRuleMetadata } from './routing-rule.entity';

export type { RuleFilter, RulePatch, RuleSource };

export const RULES_CHANGED_CHANNEL = 'routing_rules_changed';

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

/** routing_rules: validated (RE2, model catalogue) upserts and updates, listing, and the cached matcher the router uses. */
@Injectable()
export class HeuristicsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Heuristics');
  /** The compiled matcher of the active rules, rebuilt lazily after a write here or on another replica. */
  private readonly matcher: NotifiedCache<RuleMatcher>;

  constructor(
    private readonly rules: HeuristicsRepository,
    db: DatabaseService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly catalogue: ModelCatalogue,
  ) {
    this.matcher = new NotifiedCache(db, config.database.url, {
      channel: RULES_CHANGED_CHANNEL,
      load: (version) => this.buildMatcher(version),
    });
  }

  async onModuleInit(): Promise<void> {
    await this.matcher.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.matcher.stop();
  }

  /** The current cache generation (for diagnostics and tests). */
  get matcherVersion(): number {
    return this.matcher.version;
  }

  /** Drops the compiled matcher; the next getMatcher() reloads the active rules. */
  invalidate(): void {
    this.matcher.invalidate();
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
   * @throws InvalidInputError (path `pattern`) for a pattern RE2 refuses or over the length cap.
   * @throws InvalidInputError (path `preferredModel`) for a model the catalogue does not know.
   */
  async upsertRule(input: UpsertRuleInput): Promise<{ rule: RoutingRuleDto; created: boolean }> {
    this.validatePattern(input.pattern);
    if (input.preferredModel) this.catalogue.requireKnown(input.preferredModel, 'preferredModel');
    const result = await this.rules.upsertByPattern({
      pattern: input.pattern,
      preferredLayer: input.preferredLayer,
      preferredModel: input.preferredModel,
      priority: input.priority,
      active: input.active,
      pinned: input.pinned,
      metadata: pickMetadata(input),
      source: input.source ?? 'manual',
    });
    await this.matcher.changed();
    return result;
  }

  /**
   * Applies a partial change atomically.
   * @throws NotFoundError for an unknown id.
   * @throws InvalidInputError (path `preferredModel`) for a model the catalogue does not know.
   */
  async updateRule(id: number, patch: RulePatch): Promise<RoutingRuleDto> {
    if (patch.preferredModel) this.catalogue.requireKnown(patch.preferredModel, 'preferredModel');
    const rule = await this.rules.update(id, patch);
    if (!rule) throw new NotFoundError(`routing rule ${id} does not exist`);
    await this.matcher.changed();
    return rule;
  }

  async getRule(id: number): Promise<RoutingRuleDto | undefined> {
    return this.rules.findById(id);
  }

  /** Highest priority first, then newest. */
  async listRules(filter: RuleFilter = {}): Promise<{ items: RoutingRuleDto[]; total: number }> {
    return this.rules.list(filter);
  }

  /** How many rules are stored, and how many of them are active. */
  countRules(): Promise<{ active: number; total: number }> {
    return this.rules.countByActivity();
  }

  /**
   * The compiled matcher for the active rules, rebuilt lazily after any change. Concurrent callers
   * share one rebuild; if the database is unreachable the last good matcher keeps routing.
   */
  getMatcher(): Promise<RuleMatcher> {
    return this.matcher.get();
  }

  private async buildMatcher(version: number): Promise<RuleMatcher> {
    const matcher = RuleMatcher.compile(await this.rules.listActiveForMatching(), version);
    if (matcher.skipped.length > 0)
      this.logger.warn(`routing rules ${matcher.skipped.join(', ')} do not compile under RE2 and are ignored`);
    return matcher;
  }
}

function pickMetadata(input: UpsertRuleInput): RoutingRuleMetadata {
  const metadata: RoutingRuleMetadata = {};
  if (input.successRate !== undefined) metadata.successRate = input.successRate;
  if (input.usageCount !== undefined) metadata.usageCount = input.usageCount;
  if (input.reasoning !== undefined) metadata.reasoning = input.reasoning;
  return metadata;
}
