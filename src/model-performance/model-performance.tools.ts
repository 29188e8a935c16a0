import { Injectable } from '@nestjs/common';
import { Tool } from '../tools/tool.decorator';
import {
  modelPerformanceSchema,
  ModelPerformanceDto,
  updateModelPerformanceInput,
  UpdateModelPerformanceInput,
} from './model-performance.schemas';
import { ModelPerformanceService } from './model-performance.service';

/** The update_model_performance tool; the logic lives in ModelPerformanceService. */
@Injectable()
export class ModelPerformanceTools {
  constructor(private readonly performance: ModelPerformanceService) {}

  @Tool({
    name: 'update_model_performance',
    description:
      "Add one call's outcome (success, latency, cost) to a model's record for a task type. The update is atomic: " +
      'concurrent calls never lose counts; success rate and averages are recomputed from the running sums. ' +
      'The model must be in the catalogue (list_models).',
    input: updateModelPerformanceInput,
    output: modelPerformanceSchema,
    text: (p) =>
      `${p.modelId} on ${p.taskType}: ${p.successRate.toFixed(1)}% success over ${p.totalCalls} call(s), ` +
      `avg latency ${Math.round(p.avgLatencyMs)} ms, avg cost $${p.avgCost.toFixed(6)}`,
  })
  async updateModelPerformance(input: UpdateModelPerformanceInput): Promise<ModelPerformanceDto> {
    return this.performance.recordReportedCall(input);
  }
}
