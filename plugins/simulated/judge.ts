import type { ChatMessage } from '@ai-mcp-gateway/provider-sdk';
import { textOf } from '@ai-mcp-gateway/provider-sdk';
import { hash32 } from './rng';

/** Answers remembered for grading: the most recent ones (a judge grades soon after the answer). */
const REMEMBERED = 10000;
const ANSWER = /<answer>\r?\n([\s\S]*?)\r?\n<\/answer>/;

/**
 * The simulated models know their own truth: each answer's drawn correctness is remembered (bounded), so
 * that a simulated model asked to grade an answer (a judge prompt: a system message asking for a JSON
 * `score`, the answer between <answer> tags) replies `{"score": 1 or 0, "reason": ...}` for an answer it
 * remembers. An answer it never gave gets no grade: it answers as usual (no signal for the gateway).
 */
export class SimulatedTruth {
  private readonly answers = new Map<number, boolean>();

  remember(content: string, correct: boolean): void {
    const key = hash32(content);
    this.answers.delete(key);
    this.answers.set(key, correct);
    if (this.answers.size > REMEMBERED) {
      const oldest = this.answers.keys().next().value;
      if (oldest !== undefined) this.answers.delete(oldest);
    }
  }

  /** The grade of a judge request, or undefined when the request is not one (or the answer is unknown). */
  verdict(messages: readonly ChatMessage[]): string | undefined {
    const system = messages.find((m) => m.role === 'system');
    if (!system || !textOf(system.content).includes('"score"')) return undefined;
    const user = messages.filter((m) => m.role === 'user').pop();
    const answer = user ? ANSWER.exec(textOf(user.content))?.[1] : undefined;
    if (answer === undefined) return undefined;
    const correct = this.answers.get(hash32(answer));
    if (correct === undefined) return undefined;
    return JSON.stringify({
      score: correct ? 1 : 0,
      reason: correct ? 'the simulated answer was drawn correct' : 'the simulated answer was drawn wrong',
    });
  }
}
