import { MikroORM } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { DatabaseService } from './database.service';

/**
 * Global: every feature module gets DatabaseService (and the ORM's EntityManager) by injection.
 * The service is created, and migrated, before Nest builds anything that depends on it, and closed
 * by the bootstrap after Nest has shut down (so that every module can flush first).
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(database: DatabaseService): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: DatabaseService, useValue: database },
        { provide: MikroORM, useValue: database.orm },
        { provide: EntityManager, useValue: database.em },
      ],
      exports: [DatabaseService, MikroORM, EntityManager],
    };
  }
}
