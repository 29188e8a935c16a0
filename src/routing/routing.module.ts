import { Module } from '@nestjs/common';
import { HeuristicsModule } from '../heuristics/heuristics.module';
import { ModelPerformanceModule } from '../model-performance/model-performance.module';
import { ProvidersModule } from '../providers/providers.module';
import { RecordingModule } from '../recording/recording.module';
import { ExecutorService } from './executor.service';
import { DefaultModelPolicy, LEARNED_MODEL_POLICY, MODEL_POLICY, ModelPolicy } from './model-policy';
import { OpenAiApiController } from './openai-api.controller';
import { OpenAiApiService } from './openai-api.service';
import { PerformanceSnapshot } from './performance-snapshot';
import { OpenAiChatPresenter } from './openai-chat.presenter';
import { OutcomeReporter } from './outcome-reporter';
import { RouterService } from './router.service';
import { RoutingTools } from './routing.tools';

/** Classifier, decision, execution and the OpenAI-compatible API. */
@Module({
  imports: [ProvidersModule, HeuristicsModule, RecordingModule, ModelPerformanceModule],
  controllers: [OpenAiApiController],
  providers: [
    PerformanceSnapshot,
    DefaultModelPolicy,
    {
      provide: MODEL_POLICY,
      useFactory: (learned: ModelPolicy | undefined, fallback: DefaultModelPolicy): ModelPolicy => learned ?? fallback,
      inject: [{ token: LEARNED_MODEL_POLICY, optional: true }, DefaultModelPolicy],
    },
    ExecutorService,
    OutcomeReporter,
    RouterService,
    OpenAiApiService,
    OpenAiChatPresenter,
    RoutingTools,
  ],
  exports: [RouterService, ExecutorService, MODEL_POLICY],
})
export class RoutingModule {}
