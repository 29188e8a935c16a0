import { DynamicModule, Global, Module } from '@nestjs/common';
import { resolveConfigPath } from './config.loader';
import { GatewayConfig } from './config.schema';

/**
 * Injection token for the validated configuration (loaded before Nest starts). A reload (config-reload/)
 * updates its reloadable sections in place: read them when needed rather than copying them at start.
 */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
/** Injection token for the path of the file the configuration came from (what a reload reads again). */
export const GATEWAY_CONFIG_FILE = Symbol('GATEWAY_CONFIG_FILE');

@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: GatewayConfig, file = resolveConfigPath()): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: GATEWAY_CONFIG_FILE, useValue: file },
      ],
      exports: [GATEWAY_CONFIG, GATEWAY_CONFIG_FILE],
    };
  }
}
