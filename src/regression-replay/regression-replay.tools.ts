import { Injectable } from '@nestjs/common';
import type { z } from 'zod';
import { Tool } from '../tools/tool.decorator';
import { RegressionReplayService } from './regression-replay.service';
import { runRegressionTestsInput, runRegressionTestsOutput } from './regression-replay.schemas';

type Output = z.output<typeof runRegressionTestsOutput>;

/** run_regression_tests: the replay of stored regression tests through today's routing. */
@Injectable()
export class RegressionReplayTools {
  constructor(private readonly replay: RegressionReplayService) {}

  @Tool({
    name: 'run_regression_tests',
    description:
      "Replay stored regression tests (their redacted request snapshots) through today's routing and check each answer " +
      "against the test's structured checks (non-empty, finish reason, RE2 pattern, max latency); the test code is never " +
      'run. Stores last status and error per test; a test that passed before and fails now raises an alert. Costed and capped.',
    input: runRegressionTestsInput,
    output: runRegressionTestsOutput,
    scope: 'tools:write',
    text: (r: Output) =>
      [
        `${r.dryRun ? 'dry run: ' : ''}${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped ($${r.costUsd.toFixed(6)})`,
        ...r.results.map((x) => `#${x.testId} ${x.testName}: ${x.status}${x.reason ? ` (${x.reason})` : ''}`),
        ...(r.capped ? [`capped: ${r.capped}`] : []),
      ].join('\n'),
  })
  async runRegressionTests(input: z.output<typeof runRegressionTestsInput>): Promise<Output> {
    return this.replay.run(input);
  }
}
