import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Clock } from '../common/clock';
import { GATEWAY_CONFIG } from '../config/config.module';
import { GatewayConfig } from '../config/config.schema';
import { DatabaseService } from '../database/database.service';
import { NotifiedCache } from '../database/notified-cache';
import { BudgetExceededError } from '../errors';
import { BUDGET_PERIODS, BudgetPeriod } from './budget.entity';
import { periodEnd, periodStart } from './budget-periods';
import { BudgetsRepository, SpendSlot } from './budgets.repository';

/** NOTIFY channel: a budget set on one replica (or by the CLI) reaches the others at once. */
export const BUDGETS_CHANNEL = 'key_budgets_changed';

/** A call's reservation: settle it once with the real cost (0 when nothing was spent); never rejects. */
export interface BudgetHold {
  settle(costUsd: number): Promise<void>;
}

/** A spend that crossed a share (0.8 or 1) of a limit, as one settled call carried it over. */
export interface BudgetCrossing extends SpendSlot {
  share: number;
  spentUsd: number;
  limitUsd: number;
}

/** A key's (or the gateway's) budget as the key listing shows it: the period closest to its limit. */
export interface BudgetSummary {
  limitUsd: number;
  period: BudgetPeriod;
  spentUsd: number;
  resetsAt: string | null;
}

type Limits = ReadonlyMap<BudgetPeriod, number>;
const NO_HOLD: BudgetHold = { settle: () => Promise.resolve() };
/** Shares of a budget whose crossing raises an alert. */
const CROSSINGS = [0.8, 1] as const;

/**
 * Spend budgets per API key (and one global budget for callers without a key): before a call its
 * estimate is reserved in the database, atomically against the limit, so concurrent calls on any replica
 * pass a budget by at most one estimate's error; after the call the reservation is settled to the real
 * cost. Callers without a budget cost nothing (an in-memory lookup).
 */
@Injectable()
export class BudgetsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Budgets');
  private readonly limits: NotifiedCache<Map<number, Map<BudgetPeriod, number>>>;
  private readonly global: Limits;
  private readonly crossingListeners: Array<(crossing: BudgetCrossing) => void> = [];
  /** Subjects that spent budgets.nearLimit.share of a limit, until when (ms; the period's end). */
  private readonly near = new Map<string, number>();
  private readonly nearShare: number;

  constructor(
    private readonly repo: BudgetsRepository,
    private readonly clock: Clock,
    db: DatabaseService,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    const global = new Map<BudgetPeriod, number>();
    for (const p of BUDGET_PERIODS) {
      const limit = config.budgets.global[p];
      if (limit !== undefined) global.set(p, limit);
    }
    this.global = global;
    this.nearShare = config.budgets.nearLimit.share;
    this.limits = new NotifiedCache(db, config.database.url, {
      channel: BUDGETS_CHANNEL,
      eager: true,
      load: async () => {
        const byKey = new Map<number, Map<BudgetPeriod, number>>();
        for (const b of await this.repo.listBudgets()) {
          const periods = byKey.get(b.keyId) ?? new Map<BudgetPeriod, number>();
          byKey.set(b.keyId, periods.set(b.period, b.limitUsd));
        }
        return byKey;
      },
      pollMs: 1000,
      maxAgeMs: 60_000,
    });
  }

  async onModuleInit(): Promise<void> {
    await this.limits.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.limits.stop();
  }

  /**
   * Reserves a call's estimated cost against the caller's budgets (the key's; the global one when no key).
   * The hook of every chat door: RouterService.execute and RouterService.stream call it before the upstream call.
   * @throws BudgetExceededError (code budget_exceeded) when spent plus reserved plus the estimate would pass a
   *   limit; nothing stays reserved then
   */
  async reserve(keyId: number | undefined, estimateUsd: number): Promise<BudgetHold> {
    const limits = this.limitsOf(keyId);
    if (limits.size === 0) return NO_HOLD;
    const now = this.clock.now();
    const subject = subjectOf(keyId);
    const amount = Math.max(0, estimateUsd);
    const held: SpendSlot[] = [];
    for (const [period, limitUsd] of limits) {
      const slot = { subject, period, periodStart: periodStart(period, now) };
      if (!(await this.repo.reserve(slot, amount, limitUsd))) {
        await Promise.all(held.map((s) => this.repo.settle(s, amount, 0)));
        const end = periodEnd(period, now);
        throw new BudgetExceededError(
          `the ${keyId === undefined ? 'gateway' : 'API key'}'s ${ADJECTIVE[period]} budget of ` +
            `$${limitUsd} would be passed by this request (estimated $${amount.toFixed(6)})` +
            (end ? `; it resets at ${end.toISOString()}` : ''),
          { code: 'budget_exceeded', retryAfterMs: end ? end.getTime() - now.getTime() : undefined },
        );
      }
      held.push(slot);
    }
    let settled: Promise<void> | undefined;
    return { settle: (cost) => (settled ??= this.settle(held, limits, amount, Math.max(0, cost))) };
  }

  /**
   * Has this caller spent budgets.nearLimit.share of one of its limits in the current period? Known from
   * the spend every settled call returns (the database's total, whichever replica spent it), so a replica
   * learns it on its first call past the mark. An in-memory lookup: routing asks on every request.
   */
  isNearLimit(keyId: number | undefined): boolean {
    if (this.near.size === 0) return false;
    const subject = subjectOf(keyId);
    const until = this.near.get(subject);
    if (until === undefined) return false;
    if (this.clock.now().getTime() < until) return true;
    this.near.delete(subject);
    return false;
  }

  /** `listener` hears of every crossing of 80% and 100% of a budget (exactly once per period, across replicas). */
  onCrossing(listener: (crossing: BudgetCrossing) => void): void {
    this.crossingListeners.push(listener);
  }

  /**
   * Takes one unit of a daily count quota (e.g. `regression-replays`), atomically across replicas; false
   * when the day's `limit` is used up.
   */
  async takeQuota(subject: string, limit: number): Promise<boolean> {
    const slot: SpendSlot = { subject, period: 'day', periodStart: periodStart('day', this.clock.now()) };
    if (!(await this.repo.reserve(slot, 1, limit))) return false;
    await this.repo.settle(slot, 1, 1);
    return true;
  }

  /** The budget closest to its limit, with its spend; null when the key has none. */
  async summary(keyId: number): Promise<BudgetSummary | null> {
    return (await this.summaries([keyId])).get(keyId) ?? null;
  }

  async summaries(keyIds: readonly number[]): Promise<Map<number, BudgetSummary>> {
    const now = this.clock.now();
    const wanted = keyIds.flatMap((id) =>
      [...this.limitsOf(id)].map(([period, limitUsd]) => ({ id, period, limitUsd, start: periodStart(period, now) })),
    );
    const spent = await this.repo.spent(
      wanted.map((w) => ({ subject: subjectOf(w.id), period: w.period, periodStart: w.start })),
    );
    const out = new Map<number, BudgetSummary>();
    for (const w of wanted) {
      const spentUsd = spent.get(`${subjectOf(w.id)}|${w.period}`) ?? 0;
      const prev = out.get(w.id);
      if (prev && prev.spentUsd / prev.limitUsd >= spentUsd / w.limitUsd) continue;
      const end = periodEnd(w.period, now);
      out.set(w.id, { limitUsd: w.limitUsd, period: w.period, spentUsd, resetsAt: end ? end.toISOString() : null });
    }
    return out;
  }

  /** Sets (or, with null, removes every) budget of a key; every replica sees it at once. */
  async setBudget(keyId: number, budget: { limitUsd: number; period: BudgetPeriod } | null): Promise<void> {
    if (budget) await this.repo.setBudget(keyId, budget.period, budget.limitUsd);
    else await this.repo.removeBudgets(keyId);
    // In force here at once (the next request is charged), before the reload that changed() starts.
    const cache = this.limits.value;
    if (cache && budget) cache.set(keyId, new Map(cache.get(keyId)).set(budget.period, budget.limitUsd));
    else cache?.delete(keyId);
    // A new limit: whether the key is near it is learned again from its next call.
    this.near.delete(subjectOf(keyId));
    await this.limits.changed(`key:${keyId}`);
  }

  /** Re-reads the limits (after a write by another process that could not notify). */
  async reload(): Promise<void> {
    await this.limits.refresh();
  }

  private limitsOf(keyId: number | undefined): Limits {
    if (keyId === undefined) return this.global;
    return this.limits.value?.get(keyId) ?? EMPTY;
  }

  private async settle(slots: SpendSlot[], limits: Limits, reserved: number, cost: number): Promise<void> {
    try {
      for (const slot of slots) {
        const after = await this.repo.settle(slot, reserved, cost);
        const limitUsd = limits.get(slot.period) ?? Infinity;
        if (after >= this.nearShare * limitUsd) this.markNear(slot);
        this.announceCrossing(slot, limitUsd, after - cost, after);
      }
    } catch (err) {
      this.logger.error(`settling a budget reservation failed: ${(err as Error).message}`);
    }
  }

  private markNear(slot: SpendSlot): void {
    const end = periodEnd(slot.period, this.clock.now())?.getTime() ?? Infinity;
    this.near.set(slot.subject, Math.max(this.near.get(slot.subject) ?? 0, end));
  }

  /** Tells the listeners (the alerts) when a call's spend carries the subject over 80% or 100% of its limit. */
  private announceCrossing(slot: SpendSlot, limitUsd: number, before: number, after: number): void {
    const share = CROSSINGS.filter((c) => before < c * limitUsd && after >= c * limitUsd).pop();
    if (share === undefined) return;
    for (const listener of this.crossingListeners) listener({ ...slot, share, spentUsd: after, limitUsd });
  }
}

const EMPTY: Limits = new Map();
const ADJECTIVE: Record<BudgetPeriod, string> = { day: 'daily', month: 'monthly', total: 'total' };

function subjectOf(keyId: number | undefined): string {
  return keyId === undefined ? 'global' : `key:${keyId}`;
}
