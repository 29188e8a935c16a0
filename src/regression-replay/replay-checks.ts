import RE2 from 're2';
import type { z } from 'zod';
import { replayChecks } from '../regression-tests/regression-tests.schemas';

export type ReplayChecks = z.output<typeof replayChecks>;

/** What a replay produced. */
export interface ReplayAnswer {
  content: string;
  toolCalls: number;
  finishReason: string;
  latencyMs: number;
}

/** The checks stored with a test, or the default; an error text when they cannot be read. */
export function checksOf(metadata: Record<string, unknown>): ReplayChecks | string {
  const parsed = replayChecks.safeParse(metadata.checks ?? {});
  if (!parsed.success) return `the stored checks are not readable: ${parsed.error.issues[0]?.message ?? 'invalid'}`;
  if (parsed.data.pattern !== undefined)
    try {
      new RE2(parsed.data.pattern);
    } catch (err) {
      return `the stored pattern is not a valid RE2 expression: ${(err as Error).message}`;
    }
  return parsed.data;
}

/** Why the answer fails the checks, or null when it passes. */
export function failedCheck(checks: ReplayChecks, answer: ReplayAnswer): string | null {
  if (checks.nonEmpty && answer.content.trim() === '' && answer.toolCalls === 0) return 'the answer is empty';
  if (checks.finishReasons && !checks.finishReasons.includes(answer.finishReason))
    return `finish reason "${answer.finishReason}" is not one of ${checks.finishReasons.join(', ')}`;
  if (checks.pattern !== undefined && !new RE2(checks.pattern).test(answer.content))
    return `the answer does not match /${checks.pattern}/`;
  if (checks.maxLatencyMs !== undefined && answer.latencyMs > checks.maxLatencyMs)
    return `the call took ${Math.round(answer.latencyMs)} ms, over ${checks.maxLatencyMs} ms`;
  return null;
}
