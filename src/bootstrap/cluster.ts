import cluster, { type Worker } from 'node:cluster';
import type { Logger as PinoLogger } from 'pino';
import { flushLogger } from '../common/logging/logger';
import type { GatewayConfig } from '../config/config.schema';
import { redisUrlOf } from '../security/redis-url';
import { onStopSignal } from './early-signals';

/** A worker is started again after an unexpected exit, unless this many did within CRASH_WINDOW_MS. */
const MAX_CRASHES = 5;
const CRASH_WINDOW_MS = 60_000;
const RESTART_DELAY_MS = 1000;
/** The primary waits this long for its workers to stop (each has its own 8 s deadline). */
const STOP_DEADLINE_MS = 9500;

/**
 * WORKERS=N (N > 1, PostgreSQL only): this process is the cluster's primary. It serves nothing itself:
 * it starts one worker (which migrates the database), the others once that one listens, all on the same
 * port (node:cluster hands out the connections), starts a worker again after a crash, and on SIGTERM or
 * SIGINT stops every worker (each drains and flushes as a single process does) before it exits.
 * What must hold across workers holds through PostgreSQL: the optimizer's advisory lock (one run per
 * tick), API keys revoked through LISTEN/NOTIFY; rate limits are shared through Redis when configured.
 */
export function runCluster(config: GatewayConfig, logger: PinoLogger): void {
  const count = config.server.workers ?? 1;
  const crashes: number[] = [];
  let serving = false;
  let stopping = false;
  const exit = (code: number) => {
    flushLogger(logger);
    process.exit(code);
  };
  if (!redisUrlOf(config))
    logger.warn(
      `${count} workers without Redis: each worker counts rate limits on its own (set REDIS_URL to share them)`,
    );

  const stopAll = (code: number) => {
    stopping = true;
    setTimeout(() => exit(code), STOP_DEADLINE_MS).unref();
    for (const w of workers()) w.process.kill('SIGTERM');
    if (workers().length === 0) exit(code);
  };

  cluster.on('exit', (worker: Worker, code: number | null, signal: string | null) => {
    if (stopping) {
      if (workers().length === 0) exit(process.exitCode === 1 ? 1 : 0);
      return;
    }
    // The first worker failed to start (config, database, port): the gateway does not start.
    if (!serving) {
      process.exitCode = 1;
      return stopAll(1);
    }
    const now = Date.now();
    crashes.push(now);
    while (crashes.length && crashes[0] < now - CRASH_WINDOW_MS) crashes.shift();
    logger.error({ pid: worker.process.pid, code, signal }, 'a worker exited; starting another');
    if (crashes.length >= MAX_CRASHES) {
      logger.error(`${MAX_CRASHES} workers exited within a minute; stopping the gateway`);
      process.exitCode = 1;
      return stopAll(1);
    }
    setTimeout(() => !stopping && cluster.fork(), RESTART_DELAY_MS).unref();
  });

  onStopSignal((signal) => {
    if (stopping) return;
    logger.info({ signal, workers: workers().length }, 'stopping the workers');
    stopAll(0);
  });

  // One worker first: it migrates the database; the others start on the migrated schema.
  cluster.fork().once('listening', () => {
    serving = true;
    for (let i = 1; i < count && !stopping; i++) cluster.fork();
    logger.info({ workers: count, primary: process.pid }, `ai-mcp-gateway runs ${count} workers`);
  });
}

function workers(): Worker[] {
  return Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());
}
