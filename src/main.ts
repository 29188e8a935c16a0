import { onReloadSignal, onStopSignal } from './bootstrap/early-signals';
import 'reflect-metadata';
import cluster from 'node:cluster';
import type { GatewayHandle } from './bootstrap/gateway';
import { loadConfigOrExit, reportFatal } from './bootstrap/fatal';
import { createLogger, flushLogger } from './common/logging/logger';
import { ConfigReloadService } from './config-reload/config-reload.service';

/** Hard ceiling for a stop: SIGTERM must end the process within 10 s. */
const STOP_DEADLINE_MS = 8000;

async function main(): Promise<void> {
  const loaded = loadConfigOrExit();
  const { config, file } = loaded;
  const logger = createLogger({ level: config.logLevel });
  // WORKERS > 1: this process only starts and stops the workers (the app is loaded in each of them only).
  if ((config.server.workers ?? 1) > 1 && cluster.isPrimary) {
    const { runCluster } = await import('./bootstrap/cluster.js');
    return runCluster(config, logger);
  }
  let gateway: GatewayHandle | undefined;
  let stopRequested = false;

  const stop = async (signal: string) => {
    if (stopRequested) return;
    stopRequested = true;
    logger.info({ signal }, 'stopping');
    setTimeout(() => {
      logger.error('stop deadline reached; exiting');
      flushLogger(logger);
      process.exit(0);
    }, STOP_DEADLINE_MS).unref();
    // A signal during start: the start finishes (or fails) and main() closes what it opened.
    if (!gateway) return;
    await gateway.close().catch((err) => logger.error({ err }, 'error while stopping'));
    logger.info('stopped');
    flushLogger(logger);
    process.exit(0);
  };
  onStopSignal((signal) => void stop(signal));
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));

  logger.info({ config: file, database: config.database.url ? 'postgres' : 'pglite' }, 'starting');
  try {
    const { createGateway } = await import('./bootstrap/gateway.js');
    gateway = await createGateway({ config, logger, http: true, configFile: file });
    if (stopRequested) {
      await gateway.close();
      flushLogger(logger);
      process.exit(0);
    }
    const url = await gateway.listen();
    logger.info({ url, database: gateway.db.kind, config: file }, `ai-mcp-gateway listening on ${url}`);
    const reloader = gateway.app.get(ConfigReloadService);
    // The reloader logs the outcome (or the reason the file was refused, keeping the running config).
    onReloadSignal(() => void reloader.reload().catch(() => undefined));
    if (stopRequested) await gateway.close();
  } catch (err) {
    if (stopRequested) process.exit(0);
    // A refusal after start-up (e.g. an unsafe bind) still closes the database cleanly.
    await gateway?.close(0).catch(() => undefined);
    reportFatal(err);
    flushLogger(logger);
    process.exit(1);
  }
}

void main();
