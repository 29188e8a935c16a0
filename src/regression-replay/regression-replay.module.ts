import { Module } from '@nestjs/common';
import { RegressionTestsModule } from '../regression-tests/regression-tests.module';
import { RoutingModule } from '../routing/routing.module';
import { RegressionReplayService } from './regression-replay.service';
import { RegressionReplayTools } from './regression-replay.tools';

/** The replay of regression tests (tool, `npm run regression`, and after optimizer runs when configured). */
@Module({
  imports: [RegressionTestsModule, RoutingModule],
  providers: [RegressionReplayService, RegressionReplayTools],
  exports: [RegressionReplayService],
})
export class RegressionReplayModule {}
