import { Injectable } from '@nestjs/common';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors';
import { AbTestStatus, Strategy } from './ab-test.entity';
import { AbTestDto, AbTestsRepository } from './ab-tests.repository';

export type { AbTestDto };

export interface StartAbTestInput {
  name: string;
  strategyA: Strategy;
  strategyB: Strategy;
  split: number;
  taskType?: string;
  maxSample?: number;
}

/** A test as get_ab_tests shows it: with the traffic it actually gets. */
export type AbTestView = AbTestDto & { precedence: string };

/** ab_tests: start, list, conclude. The statistics live in the optimizer; this only stores. */
@Injectable()
export class AbTestsService {
  constructor(private readonly tests: AbTestsRepository) {}

  /**
   * Starts a test.
   * @throws InvalidInputError (path `strategyB`) when both sides run the same strategy.
   * @throws ConflictError when the name is taken or a running test already covers the same traffic.
   */
  async start(input: StartAbTestInput): Promise<AbTestDto> {
    if (input.strategyA === input.strategyB) throw InvalidInputError.field('strategyB', 'must differ from strategyA');
    const taskType = input.taskType ?? null;
    const clash = await this.tests.runningOn(taskType);
    if (clash !== undefined)
      throw new ConflictError(
        `the running test "${clash}" already covers ${taskType ? `task type "${taskType}"` : 'all task types'}; stop it first`,
      );
    const created = await this.tests.insertRunning({ ...input, taskType });
    if (!created) throw new ConflictError(`an A/B test named "${input.name}" already exists`);
    return created;
  }

  /** Newest first (at most 200), optionally only those with this status. */
  list(status?: string): Promise<AbTestDto[]> {
    return this.tests.list(status as AbTestStatus | undefined);
  }

  /**
   * Like list, each with its precedence: a running test of one task type takes that task type's traffic
   * from a running test of all traffic (which gets the rest); two tests on the same traffic are refused.
   */
  async view(status?: string): Promise<AbTestView[]> {
    const tests = await this.list(status);
    const running = status === 'running' ? tests : await this.list('running');
    const scoped = running.filter((t) => t.taskType !== null);
    const all = running.find((t) => t.taskType === null);
    return tests.map((t) => {
      let precedence = 'not running';
      if (t.status === 'running' && t.taskType !== null)
        precedence = `every auto request of task type "${t.taskType}"${all ? ` (before test ${all.id}, which covers all traffic)` : ''}`;
      else if (t.status === 'running')
        precedence = scoped.length
          ? `all auto requests except task types ${scoped.map((s) => `"${s.taskType}" (test ${s.id})`).join(', ')}`
          : 'all auto requests';
      return { ...t, precedence };
    });
  }

  /** Starts the tests of optimizer.abTests that do not exist yet (by name); a clash is logged by the caller. */
  async startConfigured(tests: readonly StartAbTestInput[]): Promise<string[]> {
    const problems: string[] = [];
    for (const t of tests) {
      if (await this.tests.exists(t.name)) continue;
      try {
        await this.start(t);
      } catch (err) {
        problems.push(`A/B test "${t.name}" from the config was not started: ${(err as Error).message}`);
      }
    }
    return problems;
  }

  /**
   * Ends a test: finished with a winner (or stopped without one).
   * @throws NotFoundError when no running test has this id.
   */
  async conclude(
    id: number,
    status: 'finished' | 'stopped',
    winner: 'A' | 'B' | null,
    result: Record<string, unknown>,
  ): Promise<AbTestDto> {
    const concluded = await this.tests.markConcluded(id, status, winner, result);
    if (!concluded) throw new NotFoundError(`no running A/B test with id ${id}`);
    return concluded;
  }

  /** Running tests, and the promoted strategy per task type ('*' for all) from the latest concluded tests. */
  async routingState(): Promise<{ running: AbTestDto[]; promoted: Map<string, Strategy> }> {
    const running = await this.list('running');
    return { running, promoted: await this.tests.promotedStrategies() };
  }
}
