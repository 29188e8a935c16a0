import { Injectable } from '@nestjs/common';
import type { z } from 'zod';
import { CONSOLE_TOOLS, ConsoleToolOutput, getPolicyInput } from '@ai-mcp-gateway/console-contract';
import { InvalidInputError } from '../errors';
import { NUL_REFUSAL } from '../tools/schema-helpers';
import { Tool } from '../tools/tool.decorator';
import { PolicyReportService } from './policy-report.service';

type Policy = ConsoleToolOutput<'get_policy'>;

function pct(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}

/** get_policy: the learned policy in force, with its evidence. */
@Injectable()
export class PolicyTools {
  constructor(private readonly reports: PolicyReportService) {}

  @Tool({
    name: 'get_policy',
    ...CONSOLE_TOOLS.get_policy,
    text: (r: Policy) =>
      [
        `Objective: ${r.objective.kind}${r.objective.qualityFloor !== null ? ` ${r.objective.qualityFloor}` : ` (cost weight ${r.objective.costWeight})`}; strategy ${r.strategy.default}${r.strategy.abTestId !== null ? ` (A/B test ${r.strategy.abTestId})` : ''}`,
        ...r.taskTypes.map(
          (t) =>
            `${t.taskType}${t.warm ? '' : ' (warming up)'}${t.chosen ? ` prefers ${t.chosen}` : ''}: ` +
            t.models
              .map(
                (m) =>
                  `${m.model} ${pct(m.quality.mean)} [${pct(m.quality.lower)}-${pct(m.quality.upper)}] n=${m.quality.n}`,
              )
              .join(', '),
        ),
      ].join('\n'),
  })
  async getPolicy(input: z.output<typeof getPolicyInput>): Promise<Policy> {
    if (input.taskType?.includes('\u0000')) throw InvalidInputError.field('taskType', NUL_REFUSAL);
    return this.reports.report(input.taskType);
  }
}
