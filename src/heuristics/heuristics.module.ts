import { Module } from '@nestjs/common';
import { HeuristicsService } from './heuristics.service';
import { HeuristicsTools } from './heuristics.tools';

@Module({
  providers: [HeuristicsService, HeuristicsTools],
  exports: [HeuristicsService],
})
export class HeuristicsModule {}
