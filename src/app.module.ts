import { DynamicModule, Module } from '@nestjs/common';
import { AnalyticsModule } from './analytics/analytics.module';
import { AuthModule } from './auth/auth.module';
import { BugPatternsModule } from './bug-patterns/bug-patterns.module';
import { ConsoleModule } from './console/console.module';
import { GatewayConfig } from './config/config.schema';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { DatabaseService } from './database/database.service';
import { ObservabilityModule } from './observability/observability.module';
import { HeuristicsModule } from './heuristics/heuristics.module';
import { OptimizerModule } from './optimizer/optimizer.module';
import { SecurityModule } from './security/security.module';
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
  AnalyticsModule,
  ProvidersModule,
  RecordingModule,
  OptimizerModule,
  RoutingModule,
  ConsoleModule,
];

@Module({})
export class AppModule {
  static forRoot(config: GatewayConfig, database: DatabaseService): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot(database), ...FEATURE_MODULES],
    };
  }
}
