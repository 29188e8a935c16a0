import { PerformanceMetric } from '../analytics/performance-metric.entity';
import { ModelPerformance } from '../analytics/model-performance.entity';
import { RequestLog } from '../analytics/request-log.entity';
import { ApiKey } from '../auth/api-key.entity';
import { BugPattern } from '../bug-patterns/bug-pattern.entity';
import { RoutingRule } from '../heuristics/routing-rule.entity';
import { AbTest } from '../optimizer/ab-test.entity';
import { OptimizerRun } from '../optimizer/optimizer-run.entity';
import { RegressionTest } from '../regression-tests/regression-test.entity';

/** Every entity, in one list for the ORM (each is owned by its feature module). */
export const ENTITIES = [
  RegressionTest,
  RoutingRule,
  BugPattern,
  PerformanceMetric,
  ModelPerformance,
  RequestLog,
  OptimizerRun,
  ApiKey,
  AbTest,
];
