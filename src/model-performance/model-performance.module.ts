import { Module } from '@nestjs/common';
import { ModuleEntities } from '../database/module-entities';
import { ProvidersModule } from '../providers/providers.module';
import { ModelPerformance } from './model-performance.entity';
import { ModelPerformanceRepository } from './model-performance.repository';
import { ModelPerformanceService } from './model-performance.service';
import { ModelPerformanceTools } from './model-performance.tools';

/** model_performance (atomic running sums per model and task type), its ranking and update_model_performance. */
@ModuleEntities([ModelPerformance])
@Module({
  imports: [ProvidersModule],
  providers: [ModelPerformanceRepository, ModelPerformanceService, ModelPerformanceTools],
  exports: [ModelPerformanceService],
})
export class ModelPerformanceModule {}
