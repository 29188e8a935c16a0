import 'reflect-metadata';
import { forwardRef, Module } from '@nestjs/common';
import { gatewayEntities } from '../app.module';
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

  it('gives the gateway every table once, from the feature modules alone', () => {
    const tables = gatewayEntities().map((e) => (Reflect.getMetadata('tableName', e) as string) ?? e.name);
    expect(
      gatewayEntities()
        .map((e) => e.name)
        .sort(),
    ).toEqual([
      'AbTest',
      'ApiKey',
      'BugPattern',
      'ModelPerformance',
      'OptimizerRun',
      'PerformanceMetric',
      'RegressionTest',
      'RequestLog',
      'RoutingRule',
    ]);
    expect(new Set(tables).size).toBe(9);
  });
});
