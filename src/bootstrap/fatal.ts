import { UnsafeBindError } from '../security/binding';
import { ConfigError, LoadedConfig, loadConfig } from '../config/config.loader';
import { DatabaseUnreachableError } from '../database/database.errors';
import { DataDirLockedError } from '../database/data-dir-lock';

const KNOWN = [ConfigError, DatabaseUnreachableError, DataDirLockedError, UnsafeBindError];

/** One readable line on stderr for the failures a user can fix; a stack only for the ones we did not foresee. */
export function reportFatal(err: unknown): void {
  if (KNOWN.some((k) => err instanceof k)) {
    process.stderr.write(`ai-mcp-gateway: ${(err as Error).message}\n`);
    return;
  }
  const e = err as Error & { code?: string };
  if (e?.code === 'EADDRINUSE' || e?.code === 'EACCES' || e?.code === 'EADDRNOTAVAIL') {
    process.stderr.write(`ai-mcp-gateway: cannot listen: ${e.message}\n`);
    return;
  }
  process.stderr.write(`ai-mcp-gateway: failed to start: ${e?.stack ?? String(err)}\n`);
}

/** The entry points' first step: the validated config, or one line on stderr and exit code 1. */
export function loadConfigOrExit(): LoadedConfig {
  try {
    return loadConfig();
  } catch (err) {
    reportFatal(err);
    process.exit(1);
  }
}
