import { Injectable } from '@nestjs/common';
import type { SqlSession } from '../database/query';
import type { OptimizerTrigger } from './optimizer-run.entity';
import { OptimizerRunRecord, OptimizerRunsRepository } from './optimizer-runs.repository';

/**
 * The optimizer's audit trail (optimizer_runs). Record-keeping only: the optimizer writes it, analytics
 * and the get_optimizer_runs tool read it. A run may be written inside the transaction that elected it.
 */
@Injectable()
export class OptimizerRunsService {
  constructor(private readonly runs: OptimizerRunsRepository) {}

  /** Records a run starting now; undefined when its cron tick is already recorded (another replica ran it). */
  start(trigger: OptimizerTrigger, tick: string | null, session?: SqlSession): Promise<number | undefined> {
    return this.runs.insertStarted(trigger, tick, session);
  }

  /** Completes a run with the changes it made. */
  finish(id: number, changes: readonly unknown[], session?: SqlSession): Promise<void> {
    return this.runs.markFinished(id, changes, session);
  }

  get(id: number): Promise<OptimizerRunRecord | null> {
    return this.runs.findById(id);
  }

  /** Rewrites the audit of a run's changes (rollbacks). */
  updateChanges(id: number, changes: readonly unknown[]): Promise<void> {
    return this.runs.updateChanges(id, changes);
  }

  /** The run that started last, or null before the first. */
  latest(): Promise<OptimizerRunRecord | null> {
    return this.runs.latest();
  }

  /** Runs, newest first. */
  list(limit = 20): Promise<OptimizerRunRecord[]> {
    return this.runs.list(limit);
  }
}
