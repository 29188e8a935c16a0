import { Module } from '@nestjs/common';
import { HeuristicsModule } from '../heuristics/heuristics.module';
import { ModelPerformanceModule } from '../model-performance/model-performance.module';
import { ProvidersModule } from '../providers/providers.module';
import { RecordingModule } from '../recording/recording.module';
import { AnthropicApiController } from './anthropic-api.controller';
import { AnthropicApiService } from './anthropic-api.service';
import { AnthropicMessagesPresenter } from './anthropic-messages.presenter';
import { ResponseCacheModule } from '../response-cache/response-cache.module';
import { CachedAnswers } from './cached-answers';
import { ExecutorService } from './executor.service';
import { ExplainRouteTools } from './explain-route.tools';
import { DefaultModelPolicy, LEARNED_MODEL_POLICY, MODEL_POLICY, ModelPolicy } from './model-policy';
import { OpenAiApiController } from './openai-api.controller';
import { OpenAiApiService } from './openai-api.service';
import { PerformanceSnapshot } from './performance-snapshot';
import { OpenAiChatPresenter } from './openai-chat.presenter';
import { OutcomeReporter } from './outcome-reporter';
import { RouterService } from './router.service';
import { RoutingTools } from './routing.tools';

/** Classifier, decision, execution, the OpenAI-compatible API and the Anthropic Messages API. */
@Module({
  imports: [ProvidersModule, HeuristicsModule, RecordingModule, ModelPerformanceModule, ResponseCacheModule],
  controllers: [OpenAiApiController, AnthropicApiController],
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
    CachedAnswers,
    RouterService,
    OpenAiApiService,
    OpenAiChatPresenter,
    AnthropicApiService,
    AnthropicMessagesPresenter,
    RoutingTools,
    ExplainRouteTools,
  ],
  exports: [RouterService, ExecutorService, MODEL_POLICY],
})
export class RoutingModule {}
