import { join } from 'node:path';
import pino from 'pino';
import { createGateway, GatewayHandle } from '../../src/bootstrap/gateway';
import { PROJECT_ROOT } from '../../src/common/app-info';
import { GatewayConfig } from '../../src/config/config.schema';
import { loadConfig } from '../../src/config/config.loader';
import { createTestDatabase } from './test-database';

export interface TestGateway extends GatewayHandle {
  url: string;
  stop(): Promise<void>;
}

/** The test config: the default config with the simulated provider's sleeping turned off. */
export function testConfig(mutate?: (cfg: GatewayConfig) => void): GatewayConfig {
  const { config } = loadConfig({ GATEWAY_CONFIG: join(PROJECT_ROOT, 'test/fixtures/gateway.test.yaml') });
  mutate?.(config);
  return config;
}

/** Starts the real app (real HTTP on a random port, real database) on a fresh database. */
export async function startTestGateway(mutate?: (cfg: GatewayConfig) => void): Promise<TestGateway> {
  const tdb = await createTestDatabase();
  const config = testConfig((cfg) => {
    cfg.server = { host: '127.0.0.1', port: 0 };
    cfg.database = { ...cfg.database, url: tdb.target.url, dataDir: tdb.target.dataDir };
    mutate?.(cfg);
  });
  const logger = pino({
    level: process.env.LOG_LEVEL === 'silent' || !process.env.LOG_LEVEL ? 'silent' : process.env.LOG_LEVEL,
  });
  const gateway = await createGateway({ config, logger, http: true });
  const url = await gateway.listen();
  return Object.assign(gateway, {
    url,
    stop: async () => {
      await gateway.close(1000);
      await tdb.drop();
    },
  });
}
