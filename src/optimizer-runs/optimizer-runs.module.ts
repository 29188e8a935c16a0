import { Module } from '@nestjs/common';
import { ModuleEntities } from '../database/module-entities';
import { OptimizerRun } from './optimizer-run.entity';
import { OptimizerRunsRepository } from './optimizer-runs.repository';
import { OptimizerRunsService } from './optimizer-runs.service';

/** optimizer_runs, the optimizer's audit trail; knows nothing of the optimizer itself. */
@ModuleEntities([OptimizerRun])
@Module({
  providers: [OptimizerRunsRepository, OptimizerRunsService],
  exports: [OptimizerRunsService],
})
export class OptimizerRunsModule {}
