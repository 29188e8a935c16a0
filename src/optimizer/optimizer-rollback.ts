import { Injectable, Logger } from '@nestjs/common';
import { HeuristicsService } from '../heuristics/heuristics.service';
import { OptimizerRunsService } from '../optimizer-runs/optimizer-runs.service';
import type { OptimizerChange } from './rule-scoring';

/** A change as the audit keeps it after a rollback. */
export type AuditedChange = OptimizerChange & {
  rolledBack?: { at: string; reason: string } | null;
  notRolledBack?: string;
};

export interface RollbackReport {
  runId: number;
  reason: string;
  rolledBack: OptimizerChange[];
  /** Changes that cannot be undone, with why. */
  kept: Array<{ change: OptimizerChange; why: string }>;
}

/**
 * Undoes what an optimizer run applied (rule priorities back, deactivated rules active again) and writes
 * why on the run's audit row. Conclusions of A/B tests and the learned policy's update are not undone
 * (the policy re-learns from request_log): the audit says so for each.
 */
@Injectable()
export class OptimizerRollback {
  private readonly logger = new Logger('OptimizerRollback');

  constructor(
    private readonly heuristics: HeuristicsService,
    private readonly runs: OptimizerRunsService,
  ) {}

  /** Undefined when the run does not exist or was rolled back already. */
  async rollback(runId: number, reason: string): Promise<RollbackReport | undefined> {
    const run = await this.runs.get(runId);
    const changes = (run?.changes ?? []) as AuditedChange[];
    if (!run || changes.some((c) => c.rolledBack)) return undefined;
    const at = new Date().toISOString();
    const report: RollbackReport = { runId, reason, rolledBack: [], kept: [] };
    const audited: AuditedChange[] = [];
    for (const change of changes) {
      const why = await this.undo(change, runId, reason);
      if (why === null) report.rolledBack.push(change);
      else report.kept.push({ change, why });
      audited.push(why === null ? { ...change, rolledBack: { at, reason } } : { ...change, notRolledBack: why });
    }
    await this.runs.updateChanges(runId, audited);
    this.logger.warn(`optimizer run ${runId} rolled back (${report.rolledBack.length} change(s)): ${reason}`);
    return report;
  }

  /** Undoes one change; null when done, else why it stays. */
  private async undo(change: OptimizerChange, runId: number, reason: string): Promise<string | null> {
    const metadata = { rollback: { run: runId, reason: reason.slice(0, 500), at: new Date().toISOString() } };
    const before = (change.before ?? {}) as { priority?: number; active?: boolean };
    if (change.kind === 'rule.priority' || change.kind === 'rule.deactivate') {
      const id = Number(change.target.slice('rule:'.length));
      if (!(await this.heuristics.getRule(id))) return 'the rule no longer exists';
      const patch =
        change.kind === 'rule.priority' ? { priority: before.priority } : { active: true, priority: before.priority };
      await this.heuristics.updateRule(id, { ...patch, metadata });
      return null;
    }
    if (change.kind === 'rule.propose') return 'a proposed rule is stored inactive: it never changed routing';
    if (change.kind === 'ab.conclude') return 'a concluded A/B test is not reopened';
    return 'the learned policy is not restored: it re-learns from request_log';
  }
}
