import type { BudgetPeriod } from './budget.entity';

/** The first day (UTC, YYYY-MM-DD) of the period that `at` falls in; 'total' has one period from 1970. */
export function periodStart(period: BudgetPeriod, at: Date): string {
  const iso = at.toISOString().slice(0, 10);
  if (period === 'day') return iso;
  if (period === 'month') return `${iso.slice(0, 7)}-01`;
  return '1970-01-01';
}

/** When the period that `at` falls in ends (UTC midnight); null for 'total'. */
export function periodEnd(period: BudgetPeriod, at: Date): Date | null {
  if (period === 'day') return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + 1));
  if (period === 'month') return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
  return null;
}
