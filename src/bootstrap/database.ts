import { gatewayEntities } from '../app.module';
import type { GatewayConfig } from '../config/config.schema';
import { DatabaseService } from '../database/database.service';

/** Connects (without migrating) to the configured database with the entities of every feature module. */
export function openDatabase(database: GatewayConfig['database']): Promise<DatabaseService> {
  return DatabaseService.connect({
    url: database.url,
    dataDir: database.dataDir,
    pgliteTuning: { sharedBuffersMb: database.pgliteSharedBuffersMb, lowMemory: database.pgliteLowMemory },
    pgliteThread: database.pgliteThread,
    entities: gatewayEntities(),
  });
}
