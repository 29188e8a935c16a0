import { DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { AlertsModule } from './alerts/alerts.module';
import { AnalyticsModule } from './analytics/analytics.module';
import { BudgetsModule } from './budgets/budgets.module';
import { AuthModule } from './auth/auth.module';
import { BugPatternsModule } from './bug-patterns/bug-patterns.module';
import { ConsoleModule } from './console/console.module';
import { RequestLoggingModule } from './common/logging/request-logging.module';
import { GatewayConfig } from './config/config.schema';
import { ConfigModule } from './config/config.module';
import { ConfigReloadModule } from './config-reload/config-reload.module';
import { DatabaseModule } from './database/database.module';
import { DatabaseService } from './database/database.service';
import { EmbeddingsModule } from './embeddings/embeddings.module';
import { collectEntities, EntityType } from './database/module-entities';
import { PerformanceMetricsModule } from './metrics/performance-metrics.module';
import { ModelPerformanceModule } from './model-performance/model-performance.module';
import { OptimizerRunsModule } from './optimizer-runs/optimizer-runs.module';
import { RequestLogModule } from './request-log/request-log.module';
import { ObservabilityModule } from './observability/observability.module';
import { OpenApiModule } from './openapi/openapi.module';
import { HeuristicsModule } from './heuristics/heuristics.module';
import { OptimizerModule } from './optimizer/optimizer.module';
import { SecurityModule } from './security/security.module';
import { RegressionReplayModule } from './regression-replay/regression-replay.module';
import { RegressionTestsModule } from './regression-tests/regression-tests.module';
import { ProvidersModule } from './providers/providers.module';
import { RecordingModule } from './recording/recording.module';
import { RoutingModule } from './routing/routing.module';
import { ToolsModule } from './tools/tools.module';

/** Feature modules, wired only by dependency injection. */
const FEATURE_MODULES = [
  ObservabilityModule,
  AuthModule,
  SecurityModule,
  ToolsModule,
  HeuristicsModule,
  BugPatternsModule,
  RegressionTestsModule,
  PerformanceMetricsModule,
  ModelPerformanceModule,
  RequestLogModule,
  OptimizerRunsModule,
  AnalyticsModule,
  ProvidersModule,
  RecordingModule,
  AlertsModule,
  BudgetsModule,
  OptimizerModule,
  RoutingModule,
  RegressionReplayModule,
  EmbeddingsModule,
  ConfigReloadModule,
  OpenApiModule,
  ConsoleModule,
];

/**
 * Every entity the feature modules declare (@ModuleEntities): the one list the database connects with,
 * for the app, the CLI and the specs alike.
 */
export function gatewayEntities(): EntityType[] {
  return collectEntities(FEATURE_MODULES);
}

@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig, database: DatabaseService, logger: Logger, configFile?: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // The access log runs first of all middleware (bootstrap/gateway.ts) and gives the request its id;
        // this binds the request's logger (with that id) to its async context for Nest's logger.
        RequestLoggingModule.forRoot(logger),
        ConfigModule.forRoot(config, configFile),
        DatabaseModule.forRoot(database),
        ...FEATURE_MODULES,
      ],
    };
  }
}
