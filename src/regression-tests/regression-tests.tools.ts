import RE2 from 're2';
import { InvalidInputError } from '../errors';
import { Injectable } from '@nestjs/common';
import { Tool } from '../tools/tool.decorator';
import {
  generateRegressionTestInput,
  GenerateRegressionTestInput,
  getRegressionTestsInput,
  GetRegressionTestsInput,
  getRegressionTestsOutput,
  GetRegressionTestsOutput,
  regressionTestSchema,
  RegressionTestDto,
} from './regression-tests.schemas';
import { RegressionTestsService } from './regression-tests.service';

function describeTest(t: RegressionTestDto): string {
  const run = t.lastRunAt
    ? `last run ${t.lastRunAt}: ${t.lastResult ?? 'unknown'}${t.lastError ? ` (${t.lastError})` : ''}`
    : 'never run';
  return `#${t.id} ${t.testName} [${t.category}, from ${t.discoveredFrom}] ${run}`;
}

/** Tool declarations for regression tests; the logic lives in RegressionTestsService. */
@Injectable()
export class RegressionTestsTools {
  constructor(private readonly tests: RegressionTestsService) {}

  @Tool({
    name: 'generate_regression_test',
    description:
      'Store a regression test (name, category, test code, expected behavior, origin). The code is kept as text for export ' +
      'and is never executed by the gateway. Test names are unique: a second test with the same name is refused.',
    input: generateRegressionTestInput,
    output: regressionTestSchema,
    text: (t) => `Stored regression test ${describeTest(t)}`,
  })
  async generateRegressionTest(input: GenerateRegressionTestInput): Promise<RegressionTestDto> {
    const { checks, ...test } = input;
    if (checks?.pattern !== undefined)
      try {
        new RE2(checks.pattern);
      } catch (err) {
        throw InvalidInputError.field('checks.pattern', `RE2 rejects this pattern: ${(err as Error).message}`);
      }
    return this.tests.create(checks ? { ...test, metadata: { ...test.metadata, checks } } : test);
  }

  @Tool({
    name: 'get_regression_tests',
    description: 'List stored regression tests, newest first, optionally for one category.',
    input: getRegressionTestsInput,
    output: getRegressionTestsOutput,
    readOnly: true,
    text: (r) =>
      r.items.length === 0
        ? 'No regression tests.'
        : [`${r.total} regression test(s):`, ...r.items.map(describeTest)].join('\n'),
  })
  async getRegressionTests(input: GetRegressionTestsInput): Promise<GetRegressionTestsOutput> {
    return this.tests.list(input);
  }
}
