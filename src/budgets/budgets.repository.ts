import { Injectable } from '@nestjs/common';
import { DatabaseService } from '../database/database.service';
import { queryRows } from '../database/query';
import type { BudgetPeriod } from './budget.entity';

/** One stored limit. */
export interface KeyBudgetRecord {
  keyId: number;
  period: BudgetPeriod;
  limitUsd: number;
}

/** A spend row's address: whose, which period, from when (YYYY-MM-DD). */
export interface SpendSlot {
  subject: string;
  period: BudgetPeriod;
  periodStart: string;
}

/** Float noise must not refuse a call that fits exactly. */
const EPSILON = 1e-12;

/** key_budgets (limits) and budget_spend (spent and reserved per period): each write is one atomic statement. */
@Injectable()
export class BudgetsRepository {
  constructor(private readonly db: DatabaseService) {}

  async listBudgets(): Promise<KeyBudgetRecord[]> {
    const rows = await queryRows<{ key_id: number; period: BudgetPeriod; limit_usd: number }>(
      this.db.fork(),
      'select key_id, period, limit_usd from key_budgets order by key_id, period',
    );
    return rows.map((r) => ({ keyId: Number(r.key_id), period: r.period, limitUsd: Number(r.limit_usd) }));
  }

  async setBudget(keyId: number, period: BudgetPeriod, limitUsd: number): Promise<void> {
    await queryRows(
      this.db.fork(),
      `insert into key_budgets (key_id, period, limit_usd, updated_at) values (?, ?, ?, now())
       on conflict (key_id, period) do update set limit_usd = excluded.limit_usd, updated_at = now()`,
      [keyId, period, limitUsd],
    );
  }

  async removeBudgets(keyId: number): Promise<void> {
    await queryRows(this.db.fork(), 'delete from key_budgets where key_id = ?', [keyId]);
  }

  /**
   * Adds `amount` to the slot's reservations when spent + reserved + amount stays within `limitUsd`, in one
   * statement (the row lock of the upsert serialises concurrent calls, across replicas too). False: refused.
   */
  async reserve(slot: SpendSlot, amount: number, limitUsd: number): Promise<boolean> {
    const rows = await queryRows(
      this.db.fork(),
      `insert into budget_spend (subject, period, period_start, spent_usd, reserved_usd)
       select ?, ?, cast(? as date), 0, cast(? as double precision) where cast(? as double precision) <= ?
       on conflict (subject, period, period_start) do update
         set reserved_usd = budget_spend.reserved_usd + excluded.reserved_usd
         where budget_spend.spent_usd + budget_spend.reserved_usd + excluded.reserved_usd <= ?
       returning id`,
      [slot.subject, slot.period, slot.periodStart, amount, amount, limitUsd + EPSILON, limitUsd + EPSILON],
    );
    return rows.length > 0;
  }

  /** Moves a call from reserved (its estimate) to spent (its real cost); the spend after it. */
  async settle(slot: SpendSlot, reserved: number, cost: number): Promise<number> {
    const rows = await queryRows<{ spent_usd: number }>(
      this.db.fork(),
      `insert into budget_spend (subject, period, period_start, spent_usd, reserved_usd)
       values (?, ?, cast(? as date), cast(? as double precision), 0)
       on conflict (subject, period, period_start) do update
         set reserved_usd = greatest(budget_spend.reserved_usd - ?, 0), spent_usd = budget_spend.spent_usd + ?
       returning spent_usd`,
      [slot.subject, slot.period, slot.periodStart, cost, reserved, cost],
    );
    return Number(rows[0]?.spent_usd ?? cost);
  }

  /** Spent (real costs) in each slot given; absent slots spent nothing. */
  async spent(slots: readonly SpendSlot[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (slots.length === 0) return out;
    const where = slots.map(() => '(subject = ? and period = ? and period_start = cast(? as date))').join(' or ');
    const rows = await queryRows<{ subject: string; period: string; spent_usd: number }>(
      this.db.fork(),
      `select subject, period, spent_usd from budget_spend where ${where}`,
      slots.flatMap((s) => [s.subject, s.period, s.periodStart]),
    );
    for (const r of rows) out.set(`${r.subject}|${r.period}`, Number(r.spent_usd));
    return out;
  }
}
