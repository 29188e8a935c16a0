import { Injectable, OnModuleInit } from '@nestjs/common';
import { BudgetCrossing, BudgetsService } from '../budgets/budgets.service';
import { AlertsService } from './alerts.service';

/** A budget_crossed alert for each crossing of 80% and 100% of a key's (or the global) budget. */
@Injectable()
export class BudgetAlerts implements OnModuleInit {
  constructor(
    private readonly budgets: BudgetsService,
    private readonly alerts: AlertsService,
  ) {}

  onModuleInit(): void {
    this.budgets.onCrossing((c) => this.raise(c));
  }

  private raise(c: BudgetCrossing): void {
    const pct = `${Math.round(c.share * 100)}%`;
    this.alerts.raise({
      kind: 'budget_crossed',
      severity: c.share >= 1 ? 'critical' : 'warning',
      subject: `${c.subject} ${c.period} ${c.periodStart} ${pct}`,
      message: `${c.subject} has spent $${c.spentUsd.toFixed(4)} of its ${c.period} budget of $${c.limitUsd} (${pct})`,
      value: c.spentUsd,
      baseline: c.limitUsd,
      window: `${c.period} from ${c.periodStart}`,
      evidence: { subject: c.subject, period: c.period, periodStart: c.periodStart, link: '/tools/list_api_keys' },
    });
  }
}
