export * from './database.service';
export * from './database.module';
export * from './database.errors';
export * from './data-dir-lock';
export { IN_MEMORY, DatabaseKind } from './orm-options';
