import { Module } from '@nestjs/common';
import { ModuleEntities } from '../database/module-entities';
import { RegressionTest } from './regression-test.entity';
import { RegressionTestsRepository } from './regression-tests.repository';
import { RegressionTestsService } from './regression-tests.service';
import { RegressionTestsTools } from './regression-tests.tools';

@ModuleEntities([RegressionTest])
@Module({
  providers: [RegressionTestsRepository, RegressionTestsService, RegressionTestsTools],
  exports: [RegressionTestsService],
})
export class RegressionTestsModule {}
