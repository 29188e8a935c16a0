import { Module } from '@nestjs/common';
import { AnalyticsService } from './analytics.service';
import { AnalyticsTools } from './analytics.tools';

@Module({
  providers: [AnalyticsService, AnalyticsTools],
  exports: [AnalyticsService],
})
export class AnalyticsModule {}
