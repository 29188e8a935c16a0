import { MetadataStorage } from '@mikro-orm/core';
import { gatewayEntities } from './app.module';

describe('gatewayEntities', () => {
  it('lists every table once, collected from the feature modules', () => {
    const tables = gatewayEntities().map((e) => MetadataStorage.getMetadataFromDecorator(e).tableName);
    expect(tables.sort()).toEqual([
      'ab_tests',
      'alert_cooldowns',
      'alerts',
      'api_keys',
      'budget_spend',
      'bug_patterns',
      'key_budgets',
      'learner_state',
      'model_performance',
      'optimizer_runs',
      'performance_metrics',
      'regression_tests',
      'request_log',
      'routing_rules',
    ]);
  });
});
