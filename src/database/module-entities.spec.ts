import 'reflect-metadata';
import { forwardRef, Module } from '@nestjs/common';
import { collectEntities, ModuleEntities } from './module-entities';

class A {}
class B {}
class C {}

@ModuleEntities([C])
@Module({})
class Leaf {}

@ModuleEntities([B, C])
@Module({ imports: [Leaf] })
class Middle {}

@ModuleEntities([A])
@Module({ imports: [Middle, forwardRef(() => Leaf)] })
class Root {}

@Module({})
class Dynamic {}

describe('collectEntities', () => {
  it('walks imports (forward references and dynamic modules too) and lists each entity once', () => {
    expect(collectEntities([Root])).toEqual([A, B, C]);
    expect(collectEntities([{ module: Dynamic, imports: [Middle] }, undefined])).toEqual([B, C]);
    expect(collectEntities([Dynamic])).toEqual([]);
  });
});
