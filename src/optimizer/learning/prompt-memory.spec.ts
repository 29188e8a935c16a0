import { seededRng } from '../stats';
import { OnlineLearner } from './online-learner';
import { PromptMemory, promptKey } from './prompt-memory';
import type { Candidate } from './types';

describe('PromptMemory', () => {
  it('keys a prompt by its full text and task type', () => {
    const long = 'x'.repeat(5000);
    expect(promptKey(long + 'a')).not.toBe(promptKey(long + 'b'));
    expect(promptKey('q', 'coding')).not.toBe(promptKey('q', 'math'));
    expect(promptKey('q', 'coding')).toBe(promptKey('q', 'coding'));
  });

  it('pulls an estimate towards the prompt own grades as a Beta posterior of `strength` pseudo-grades', () => {
    const memory = new PromptMemory({ strength: 2 });
    expect(memory.recall('k', 'm')).toBeUndefined();
    memory.grade('k', 'm', 1);
    expect(memory.recall('k', 'm')).toEqual({ weight: 1 / 3, mean: 1 });
    memory.grade('k', 'm', 0);
    expect(memory.recall('k', 'm')).toEqual({ weight: 0.5, mean: 0.5 });
    // A later grade of the same call replaces the earlier one: no second count.
    memory.grade('k', 'm', 1, 0);
    expect(memory.recall('k', 'm')).toEqual({ weight: 0.5, mean: 1 });
    expect(memory.recall('k', 'other')).toBeUndefined();
  });

  it('forgets the least recently graded prompt first, and round-trips a snapshot', () => {
    const memory = new PromptMemory({ maxPrompts: 2 });
    memory.grade('a', 'm', 1);
    memory.grade('b', 'm', 0);
    memory.grade('a', 'm', 1);
    memory.grade('c', 'm', 1);
    expect(memory.size).toBe(2);
    expect(memory.recall('b', 'm')).toBeUndefined();
    const copy = new PromptMemory({ maxPrompts: 2 });
    copy.restore(memory.snapshot());
    expect(copy.recall('a', 'm')).toEqual(memory.recall('a', 'm'));
    expect(() => copy.restore({ prompts: [['a', [['m', 1, 3]]]], agreement: [1, 2] })).toThrow(/sum 0..count/);
    expect(() => copy.restore({ prompts: [], agreement: [1, 0] })).toThrow(/agreement/);
    expect(() => new PromptMemory({ strength: 0 })).toThrow(/strength/);
  });

  it('learns how alike repeated grades are: identical ones make it decide, independent ones step it aside', () => {
    const rng = seededRng(3);
    const alike = new PromptMemory({ strength: 2 });
    const independent = new PromptMemory({ strength: 2 });
    for (let p = 0; p < 300; p++) {
      const right = rng() < 0.6 ? 1 : 0;
      for (let r = 0; r < 3; r++) {
        alike.grade(`p${p}`, 'm', right, undefined, 0.6);
        independent.grade(`p${p}`, 'm', rng() < 0.6 ? 1 : 0, undefined, 0.6);
      }
    }
    expect(alike.strength).toBeLessThan(0.2);
    expect(alike.recall('p0', 'm')!.weight).toBeGreaterThan(0.9);
    expect(independent.strength).toBeGreaterThan(8);
    expect(independent.recall('p0', 'm')!.weight).toBeLessThan(0.3);
  });

  it('is off with maxPrompts 0', () => {
    const memory = new PromptMemory({ maxPrompts: 0 });
    memory.grade('a', 'm', 1);
    expect(memory.size).toBe(0);
  });
});

describe('OnlineLearner with the prompt memory', () => {
  const candidates: Candidate[] = [
    { id: 'cheap', cost: 1 },
    { id: 'dear', cost: 20 },
  ];
  const floor = { kind: 'quality-floor', floor: 0.9, scope: 'traffic' } as const;
  const words = ['alpha', 'beta', 'gamma', 'delta', 'omega', 'sigma', 'kappa', 'theta'];

  /** Four passes over 300 prompts alike in words; the cheap model is right on 70% of them, always the same ones. */
  function lastPass(memory: boolean) {
    const learner = new OnlineLearner({ seed: 1, promptMemory: memory ? {} : { maxPrompts: 0 } });
    const rng = seededRng(1);
    const pick = () => words[Math.floor(rng() * words.length)];
    const prompts = Array.from({ length: 300 }, () => ({
      text: `Tell me about ${pick()} ${pick()} ${pick()} ${pick()} ${pick()}.`,
      cheapRight: rng() < 0.7,
    }));
    const last = { good: 0, cheap: 0, cheapWhereRight: 0, right: 0, cheapWhereWrong: 0 };
    for (let pass = 0; pass < 4; pass++)
      for (const p of prompts) {
        const request = learner.features(p.text);
        const decision = learner.decide(request, candidates, floor);
        const good = decision.model === 'dear' || p.cheapRight ? 1 : 0;
        learner.observe({ request, model: decision.model, signals: { outcome: 'success', feedback: good }, decision });
        if (pass < 3) continue;
        const cheap = decision.model === 'cheap' ? 1 : 0;
        last.good += good;
        last.cheap += cheap;
        if (p.cheapRight) {
          last.right++;
          last.cheapWhereRight += cheap;
        } else last.cheapWhereWrong += cheap;
      }
    const n = prompts.length;
    return {
      quality: last.good / n,
      cheap: last.cheap / n,
      whereRight: last.cheapWhereRight / last.right,
      whereWrong: last.cheapWhereWrong / (n - last.right),
    };
  }

  it('sends a repeated prompt to the cheap model where it answered it well, and not where it failed', () => {
    const without = lastPass(false);
    const withMemory = lastPass(true);
    expect(withMemory.whereRight).toBeGreaterThan(0.6);
    expect(withMemory.whereWrong).toBeLessThan(0.35);
    expect(withMemory.cheap).toBeGreaterThan(without.cheap + 0.1);
    expect(withMemory.quality).toBeGreaterThanOrEqual(0.9);
  });

  it('keeps the memory in its snapshot', () => {
    const learner = new OnlineLearner({ seed: 1 });
    const request = learner.features('the same question');
    learner.observe({ request, model: 'cheap', signals: { outcome: 'success', feedback: 1 } });
    const copy = new OnlineLearner({ seed: 1 });
    copy.restore(learner.snapshot());
    const [a] = learner.estimate(request, candidates, false);
    const [b] = copy.estimate(copy.features('the same question'), candidates, false);
    expect(b.mean).toBeCloseTo(a.mean, 9);
    expect(a.mean).toBeGreaterThan(new OnlineLearner({ seed: 1 }).estimate(request, candidates, false)[0].mean);
  });
});
