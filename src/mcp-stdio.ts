import 'reflect-metadata';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createGateway } from './bootstrap/gateway';
import { loadConfigOrExit, reportFatal } from './bootstrap/fatal';
import { createLogger, flushLogger } from './common/logging/logger';
import { readLockHolder } from './database/data-dir-lock';
import { IN_MEMORY } from './database/orm-options';
import { McpServerFactory } from './tools/mcp-server.factory';

/**
 * MCP over stdio. Stdout carries protocol only: logs go to stderr.
 * When a running gateway holds the PGlite directory, this process bridges stdio to its /mcp
 * instead of opening the database a second time.
 */
async function main(): Promise<void> {
  const loaded = loadConfigOrExit();
  const { config } = loaded;
  const logger = createLogger({ level: config.logLevel, fd: 2 });
  const holder =
    !config.database.url && config.database.dataDir !== IN_MEMORY ? readLockHolder(config.database.dataDir) : undefined;
  if (holder?.url) {
    logger.info({ server: holder.url }, 'DATA_DIR is held by a running gateway: bridging stdio to its /mcp');
    await bridge(new URL('/mcp', holder.url), logger);
    return;
  }
  try {
    const gateway = await createGateway({ config, logger, configFile: loaded.file });
    const server = gateway.app.get(McpServerFactory).create({ transport: 'mcp-stdio' });
    const transport = new StdioServerTransport();
    const stop = async () => {
      await server.close().catch(() => undefined);
      await gateway.close(1000);
      flushLogger(logger);
      process.exit(0);
    };
    transport.onclose = () => void stop();
    process.stdin.on('end', () => void stop());
    process.once('SIGTERM', () => void stop());
    process.once('SIGINT', () => void stop());
    await server.connect(transport);
    logger.info({ database: gateway.db.kind }, 'MCP stdio server ready');
  } catch (err) {
    reportFatal(err);
    flushLogger(logger);
    process.exit(1);
  }
}

/** Relays JSON-RPC messages both ways between this process's stdio and a running server's /mcp. */
async function bridge(url: URL, logger: ReturnType<typeof createLogger>): Promise<void> {
  const local = new StdioServerTransport();
  const remote = new StreamableHTTPClientTransport(url, { requestInit: { headers: bridgeHeaders() } });
  const close = async () => {
    await Promise.allSettled([local.close(), remote.close()]);
    flushLogger(logger);
    process.exit(0);
  };
  local.onmessage = (message) =>
    void remote.send(message).catch((err) => logger.error({ err }, 'bridge: sending to the server failed'));
  remote.onmessage = (message) =>
    void local.send(message).catch((err) => logger.error({ err }, 'bridge: writing to stdio failed'));
  local.onclose = () => void close();
  remote.onerror = (err) => logger.error({ err }, 'bridge: server connection error');
  process.stdin.on('end', () => void close());
  process.once('SIGTERM', () => void close());
  await remote.start();
  await local.start();
}

/** A key for the running server, when it requires one (GATEWAY_API_KEY). */
function bridgeHeaders(): Record<string, string> {
  const key = process.env.GATEWAY_API_KEY;
  return key ? { authorization: `Bearer ${key}` } : {};
}

void main();
