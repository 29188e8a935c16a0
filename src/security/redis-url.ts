import type { GatewayConfig } from '../config/config.schema';

/** The Redis URL: `security.rateLimit.redisUrl`, else the REDIS_URL environment variable. */
export function redisUrlOf(config: GatewayConfig, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return config.security.rateLimit.redisUrl ?? (env.REDIS_URL?.trim() || undefined);
}
