import { gatewayEntities } from '../app.module';
import type { GatewayConfig } from '../config/config.schema';
import { DatabaseService } from '../database/database.service';

/** Connects (without migrating) to the configured database with the entities of every feature module. */
export function openDatabase(database: GatewayConfig['database']): Promise<DatabaseService> {
  return DatabaseService.connect({
    url: database.url,
    dataDir: database.dataDir,
    pgliteTuning: {
      sharedBuffersMb: database.pgliteSharedBuffersMb,
      // In its own thread PGlite's statements do not hold up requests: there memory wins over their speed.
      lowMemory: database.pgliteLowMemory ?? database.pgliteThread,
    },
    pgliteThread: database.pgliteThread,
    entities: gatewayEntities(),
  });
}
