import type { EntityClass } from '@mikro-orm/core';
import type { DynamicModule, ForwardReference, Type } from '@nestjs/common';

/** An entity class as the ORM takes it. */
export type EntityType = EntityClass<object>;

/** What a module's `imports` may hold. */
type ModuleImport = Type<unknown> | DynamicModule | ForwardReference | Promise<DynamicModule> | undefined;

const ENTITIES_METADATA = 'gateway:module-entities';
/** Nest keeps @Module({ imports }) under this metadata key (MODULE_METADATA.IMPORTS). */
const IMPORTS_METADATA = 'imports';

/**
 * Declares the tables a feature module owns. The database connects before Nest builds the app (clean
 * errors, the data-directory lock), so the composition root reads these lists from the module tree
 * with collectEntities() instead of the database folder importing every feature.
 */
export function ModuleEntities(entities: readonly EntityType[]): ClassDecorator {
  return (target) => Reflect.defineMetadata(ENTITIES_METADATA, [...entities], target);
}

/** The entities every module reachable from `roots` declares, each once, in the order first met. */
export function collectEntities(roots: readonly ModuleImport[]): EntityType[] {
  const seen = new Set<unknown>();
  const entities = new Set<EntityType>();
  const visit = (item: ModuleImport): void => {
    if (!item || item instanceof Promise) return;
    if ('forwardRef' in item) return visit((item as ForwardReference<() => ModuleImport>).forwardRef());
    const dynamic = 'module' in item ? item : undefined;
    const moduleClass = dynamic ? dynamic.module : (item as Type<unknown>);
    if (seen.has(item)) return;
    seen.add(item);
    const declared = (Reflect.getMetadata(ENTITIES_METADATA, moduleClass) ?? []) as EntityType[];
    declared.forEach((e) => entities.add(e));
    const imports = [
      ...((Reflect.getMetadata(IMPORTS_METADATA, moduleClass) ?? []) as ModuleImport[]),
      ...((dynamic?.imports ?? []) as ModuleImport[]),
    ];
    imports.forEach(visit);
  };
  roots.forEach(visit);
  return [...entities];
}
