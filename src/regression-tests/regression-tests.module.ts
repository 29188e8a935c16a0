import { Module } from '@nestjs/common';
import { RegressionTestsService } from './regression-tests.service';
import { RegressionTestsTools } from './regression-tests.tools';

@Module({
  providers: [RegressionTestsService, RegressionTestsTools],
  exports: [RegressionTestsService],
})
export class RegressionTestsModule {}
