import { Module } from '@nestjs/common';
import { RequestLogModule } from '../request-log/request-log.module';
import { ConsoleAssets } from './console-assets';
import { ConsoleController } from './console.controller';
import { RequestEventsController } from './request-events.controller';

/** The operator's console: serves the built SPA at /console (its data comes from the tool doors) and the live request log. */
@Module({
  imports: [RequestLogModule],
  controllers: [ConsoleController, RequestEventsController],
  providers: [{ provide: ConsoleAssets, useFactory: () => new ConsoleAssets() }],
})
export class ConsoleModule {}
