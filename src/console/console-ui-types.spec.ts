import type { z } from 'zod';
import type * as Ui from '../../libs/console-ui/src/api/gateway-types';
import * as UiEvents from '../../libs/console-ui/src/api/events';
import type { analyzeMetricsOutput } from '../analytics/analytics.schemas';
import type { getBugPatternsOutput } from '../bug-patterns/bug-patterns.schemas';
import type {
  getRoutingHeuristicsOutput,
  updateRoutingHeuristicInput,
  updateRoutingHeuristicOutput,
} from '../heuristics/heuristics.schemas';
import type { HealthReport } from '../observability/health.service';
import type {
  abTestSchema,
  getAbTestsOutput,
  getOptimizerRunsOutput,
  runOptimizerOutput,
  startAbTestInput,
} from '../optimizer/optimizer.schemas';
import type { listModelsOutput } from '../providers/providers.tools';
import type { getRegressionTestsOutput } from '../regression-tests/regression-tests.schemas';
import { REQUEST_EVENT_NAME, REQUEST_EVENTS_PATH } from '@ai-mcp-gateway/console-contract';

/**
 * The console (libs/console-ui) states the shapes it reads from the existing tools in gateway-types.ts.
 * These assertions fail `npm run typecheck` when a backend output stops fitting what the console reads,
 * or when what the console sends stops fitting a tool's input.
 */
type Fits<Actual, Expected> = [Actual] extends [Expected] ? true : false;
type Assert<T extends true> = T;
type Out<S extends z.ZodType> = z.output<S>;
type In<S extends z.ZodType> = z.input<S>;

export type Checks = [
  Assert<Fits<Out<typeof getRoutingHeuristicsOutput>, Ui.RoutingRulesPage>>,
  Assert<Fits<Out<typeof updateRoutingHeuristicOutput>, Ui.UpdateRoutingHeuristicResult>>,
  Assert<Fits<Ui.UpdateRoutingHeuristicInput, In<typeof updateRoutingHeuristicInput>>>,
  Assert<Fits<Out<typeof getBugPatternsOutput>, Ui.BugPatternsPage>>,
  Assert<Fits<Out<typeof getRegressionTestsOutput>, Ui.RegressionTestsPage>>,
  Assert<Fits<Out<typeof analyzeMetricsOutput>, Ui.AnalyzeMetricsResult>>,
  Assert<Fits<Out<typeof listModelsOutput>, Ui.ListModelsResult>>,
  Assert<Fits<Out<typeof getOptimizerRunsOutput>, Ui.OptimizerRunsResult>>,
  Assert<Fits<Out<typeof runOptimizerOutput>, Ui.RunOptimizerResult>>,
  Assert<Fits<Out<typeof abTestSchema>, Ui.AbTest>>,
  Assert<Fits<Out<typeof getAbTestsOutput>, Ui.AbTestsResult>>,
  Assert<Fits<Ui.StartAbTestInput, In<typeof startAbTestInput>>>,
  Assert<Fits<HealthReport, Ui.HealthReport>>,
];

describe("the console's view of the gateway", () => {
  it('follows the live stream at the path and event name of the contract (the bundle repeats them to stay free of zod)', () => {
    expect(UiEvents.REQUEST_EVENTS_PATH).toBe(REQUEST_EVENTS_PATH);
    expect(UiEvents.REQUEST_EVENT_NAME).toBe(REQUEST_EVENT_NAME);
  });
});
