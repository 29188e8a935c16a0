import pino from 'pino';
import { createGateway, GatewayHandle } from '../../src/bootstrap/gateway';
import type { GatewayConfig } from '../../src/config/config.schema';
import { testConfig, type TestGateway } from './test-gateway';

/** A second replica on the first one's database (Postgres), with the same config changes, listening. */
export async function startReplica(
  first: TestGateway,
  mutate?: (cfg: GatewayConfig) => void,
): Promise<GatewayHandle & { url: string }> {
  const config = testConfig((cfg) => {
    cfg.server = { host: '127.0.0.1', port: 0 };
    cfg.database = { ...first.config.database };
    mutate?.(cfg);
  });
  const replica = await createGateway({ config, logger: pino({ level: 'silent' }), http: true });
  const url = await replica.listen();
  return Object.assign(replica, { url });
}
