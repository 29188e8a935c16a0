import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { GATEWAY_CONFIG } from '../config/config.module';
import type { GatewayConfig } from '../config/config.schema';
import { LearnedModelPolicy } from './learned-policy';
import { OptimizerService } from './optimizer.service';

export const OPTIMIZER_JOB = 'optimizer';

/** The cron slot a firing belongs to: its time rounded to the second (every replica computes the same). */
export function tickOf(firedAt: Date): string {
  return new Date(Math.round(firedAt.getTime() / 1000) * 1000).toISOString();
}

/**
 * Fires the optimizer on optimizer.cron. Every replica fires; one wins the tick (see acquireRun), and
 * every replica then reloads its learned policy from the shared request_log and ab_tests.
 */
@Injectable()
export class OptimizerScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('OptimizerScheduler');
  readonly stats = { ran: 0, skipped: 0, failed: 0 };
  private job?: CronJob;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly optimizer: OptimizerService,
    private readonly policy: LearnedModelPolicy,
    private readonly registry: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.optimizer.enabled) return;
    this.job = CronJob.from({
      cronTime: this.config.optimizer.cron,
      onTick: () => void this.fire(new Date()),
      start: false,
    });
    this.registry.addCronJob(OPTIMIZER_JOB, this.job);
    this.job.start();
  }

  onApplicationShutdown(): void {
    if (!this.job) return;
    void this.job.stop();
    if (this.registry.doesExist('cron', OPTIMIZER_JOB)) this.registry.deleteCronJob(OPTIMIZER_JOB);
  }

  /** One firing; never throws (a failed run is logged and counted). */
  async fire(firedAt: Date): Promise<void> {
    try {
      const report = await this.optimizer.run({ trigger: 'cron', tick: tickOf(firedAt) });
      if (report.ran) this.stats.ran++;
      else {
        this.stats.skipped++;
        await this.policy.reload();
      }
    } catch (err) {
      this.stats.failed++;
      this.logger.error(`optimizer run failed: ${(err as Error).message}`);
    }
  }
}
