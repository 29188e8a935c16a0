import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { Tool } from '../tools/tool.decorator';
import { AbTestsService } from './ab-tests.service';
import { FeedbackService } from './feedback.service';
import { LearnedModelPolicy } from './learned-policy';
import {
  abTestSchema,
  getAbTestsInput,
  getAbTestsOutput,
  getOptimizerRunsInput,
  getOptimizerRunsOutput,
  recordFeedbackInput,
  recordFeedbackOutput,
  runOptimizerInput,
  runOptimizerOutput,
  startAbTestInput,
  stopAbTestInput,
} from './optimizer.schemas';
import { OptimizerService } from './optimizer.service';

type Change = z.infer<typeof runOptimizerOutput>['changes'][number];
type PolicyLine = z.infer<typeof runOptimizerOutput>['policy'][number];

const changeLine = (c: Change) => `- ${c.kind} ${c.target}: ${JSON.stringify(c.before)} -> ${JSON.stringify(c.after)}`;

function policyLines(policy: readonly PolicyLine[]): string[] {
  if (!policy.length) return [];
  const lines = policy.map(
    (p) =>
      `- ${p.taskType}${p.warm ? '' : ' (warming up)'}: ${p.models.map((m) => `${m.model} ${m.utility}`).join(', ')}`,
  );
  return ['Learned policy (expected utility):', ...lines];
}

export function describeRun(r: z.infer<typeof runOptimizerOutput>): string {
  if (!r.ran) return 'Another replica is running the optimizer; nothing was done.';
  const head = `${r.dryRun ? 'Dry run (nothing written)' : `Optimizer run ${r.runId}`}: ${r.changes.length} change(s).`;
  return [head, ...r.changes.map(changeLine), ...policyLines(r.policy)].join('\n');
}

/** get_optimizer_runs as text: each run with its changes (and what undid them), then the policy. */
export function describeRuns(r: z.infer<typeof getOptimizerRunsOutput>): string {
  const runs = r.runs.flatMap((run) => [
    `Run ${run.id} (${run.trigger}${run.tick ? `, tick ${run.tick}` : ''}) at ${run.startedAt}: ${run.changes.length} change(s).`,
    ...run.changes.map(
      (c) => `${changeLine(c)}${c.rolledBack ? ` (rolled back at ${c.rolledBack.at}: ${c.rolledBack.reason})` : ''}`,
    ),
  ]);
  return [
    r.runs.length ? `${r.runs.length} optimizer run(s), newest first:` : 'No optimizer run yet.',
    ...runs,
    ...policyLines(r.policy),
  ].join('\n');
}

/** get_ab_tests as text: one line per test, with its winner once finished. */
export function describeAbTests(r: z.infer<typeof getAbTestsOutput>): string {
  if (!r.tests.length) return 'No A/B test.';
  return r.tests
    .map(
      (t) =>
        `${t.id}. ${t.name}: ${t.strategyA} vs ${t.strategyB} (${Math.round(t.split * 100)}% to ${t.strategyB}${t.taskType ? `, ${t.taskType} only` : ''}), ${t.status}${t.winner ? `, winner ${t.winner}` : ''}, started ${t.startedAt}`,
    )
    .join('\n');
}

/** Tool declarations of the optimizer; the logic lives in the services. */
@Injectable()
export class OptimizerTools {
  constructor(
    private readonly optimizer: OptimizerService,
    private readonly feedback: FeedbackService,
    private readonly abTests: AbTestsService,
    private readonly policy: LearnedModelPolicy,
  ) {}

  @Tool({
    name: 'run_optimizer',
    description:
      'Run the optimizer now: re-rank routing rules by a conservative score, deactivate rules that keep losing, propose rules, conclude A/B tests at confidence, ' +
      'update the learned model policy. Every change is audited in optimizer_runs; with dryRun nothing is written and the same diff is returned.',
    input: runOptimizerInput,
    output: runOptimizerOutput,
    scope: 'admin',
    text: describeRun,
  })
  async runOptimizer(input: z.infer<typeof runOptimizerInput>) {
    return OptimizerService.assertRan(await this.optimizer.run({ trigger: 'tool', dryRun: input.dryRun }));
  }

  @Tool({
    name: 'record_feedback',
    description:
      "Judge a routed request's answer (score 0-1, or success true/false) by its request id; it enters the optimizer's reward.",
    input: recordFeedbackInput,
    output: recordFeedbackOutput,
    scope: 'route',
    text: (r) => `Feedback ${r.score} recorded for request ${r.requestId} (${r.model}, ${r.taskType}).`,
  })
  async recordFeedback(input: z.infer<typeof recordFeedbackInput>) {
    return this.feedback.record(input);
  }

  @Tool({
    name: 'start_ab_test',
    description:
      'Start an A/B test between two routing strategies (learned, static, cheapest, greedy) for `auto` requests no rule matched, optionally of one task type; ' +
      'split is the share of traffic sent to strategyB. The optimizer ends it and promotes the winner only at statistical confidence.',
    input: startAbTestInput,
    output: abTestSchema,
    text: (t) =>
      `A/B test ${t.id} "${t.name}" started: ${t.strategyA} vs ${t.strategyB} (${Math.round(t.split * 100)}% to B)${t.taskType ? ` on ${t.taskType}` : ''}.`,
  })
  async startAbTest(input: z.infer<typeof startAbTestInput>) {
    const test = await this.abTests.start(input);
    await this.policy.reload();
    return test;
  }

  @Tool({
    name: 'stop_ab_test',
    description: 'Stop a running A/B test without declaring a winner.',
    input: stopAbTestInput,
    output: abTestSchema,
  })
  async stopAbTest(input: z.infer<typeof stopAbTestInput>) {
    const test = await this.abTests.conclude(input.id, 'stopped', null, { stoppedBy: 'operator' });
    await this.policy.reload();
    return test;
  }

  @Tool({
    name: 'get_ab_tests',
    description: 'List A/B tests of routing strategies (running, finished with their winner and statistics, stopped).',
    input: getAbTestsInput,
    output: getAbTestsOutput,
    text: describeAbTests,
    readOnly: true,
  })
  async getAbTests(input: z.infer<typeof getAbTestsInput>) {
    return { tests: await this.abTests.view(input.status) };
  }

  @Tool({
    name: 'get_optimizer_runs',
    description:
      'The audit of optimizer runs (every change with before, after and evidence), newest first, and the learned policy as it stands.',
    input: getOptimizerRunsInput,
    output: getOptimizerRunsOutput,
    text: describeRuns,
    readOnly: true,
  })
  async getOptimizerRuns(input: z.infer<typeof getOptimizerRunsInput>) {
    return { runs: await this.optimizer.listRuns(input.limit), policy: this.policy.view() };
  }
}
