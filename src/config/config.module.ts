import { DynamicModule, Global, Module } from '@nestjs/common';
import { GatewayConfig } from './config.schema';

/** Injection token for the validated configuration (loaded once, before Nest starts). */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: GATEWAY_CONFIG, useValue: config }],
      exports: [GATEWAY_CONFIG],
    };
  }
}
