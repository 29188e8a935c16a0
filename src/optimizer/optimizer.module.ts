import { Global, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { ModuleEntities } from '../database/module-entities';
import { HeuristicsModule } from '../heuristics/heuristics.module';
import { OptimizerRunsModule } from '../optimizer-runs/optimizer-runs.module';
import { ProvidersModule } from '../providers/providers.module';
import { RecordingModule } from '../recording/recording.module';
import { RequestLogModule } from '../request-log/request-log.module';
import { LEARNED_MODEL_POLICY } from '../routing/model-policy';
import { AbTest } from './ab-test.entity';
import { AbTestsRepository } from './ab-tests.repository';
import { AbTestsService } from './ab-tests.service';
import { FeedbackController } from './feedback.controller';
import { FeedbackService } from './feedback.service';
import { LearnedModelPolicy } from './learned-policy';
import { JudgeService } from './live/judge.service';
import { LearnerState } from './live/learner-state.entity';
import { LearnerStateRepository } from './live/learner-state.repository';
import { LearnerService } from './live/learner.service';
import { OptimizerRollback } from './optimizer-rollback';
import { OptimizerScheduler } from './optimizer.scheduler';
import { OptimizerService } from './optimizer.service';
import { OptimizerTools } from './optimizer.tools';
import { OutcomesService } from './outcomes.service';
import { PolicyReportService } from './policy-report.service';
import { PolicyTools } from './policy.tools';

/**
 * The self-improvement loop: scheduled runs, feedback, A/B tests of strategies and the learned policy,
 * which it provides as LEARNED_MODEL_POLICY (global) so that the router uses it.
 */
@Global()
@ModuleEntities([AbTest, LearnerState])
@Module({
  imports: [
    ScheduleModule.forRoot(),
    HeuristicsModule,
    ProvidersModule,
    RecordingModule,
    RequestLogModule,
    OptimizerRunsModule,
  ],
  controllers: [FeedbackController],
  providers: [
    OutcomesService,
    AbTestsRepository,
    AbTestsService,
    LearnerStateRepository,
    LearnerService,
    JudgeService,
    LearnedModelPolicy,
    { provide: LEARNED_MODEL_POLICY, useExisting: LearnedModelPolicy },
    FeedbackService,
    OptimizerService,
    OptimizerRollback,
    OptimizerScheduler,
    OptimizerTools,
    PolicyReportService,
    PolicyTools,
  ],
  exports: [
    LEARNED_MODEL_POLICY,
    LearnedModelPolicy,
    LearnerService,
    JudgeService,
    OptimizerService,
    OptimizerRollback,
    FeedbackService,
    AbTestsService,
  ],
})
export class OptimizerModule {}
