import { Module } from '@nestjs/common';
import { ModuleEntities } from '../database/module-entities';
import { ProvidersModule } from '../providers/providers.module';
import { HeuristicsRepository } from './heuristics.repository';
import { HeuristicsService } from './heuristics.service';
import { HeuristicsTools } from './heuristics.tools';
import { RoutingRule } from './routing-rule.entity';

@ModuleEntities([RoutingRule])
@Module({
  imports: [ProvidersModule],
  providers: [HeuristicsRepository, HeuristicsService, HeuristicsTools],
  exports: [HeuristicsService],
})
export class HeuristicsModule {}
