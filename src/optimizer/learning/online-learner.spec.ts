import { InvalidInputError } from '../../errors';
import { seededRng } from '../stats';
import { explainDecision } from './explain';
import type { Objective } from './objective';
import { OnlineLearner } from './online-learner';
import type { Candidate } from './types';

const FLOOR: Objective = { kind: 'quality-floor', floor: 0.95, scope: 'traffic' };
const CANDIDATES: Candidate[] = [
  { id: 'cheap', cost: 1 },
  { id: 'dear', cost: 20 },
];

const GEOGRAPHY = ['capital', 'river', 'mountain', 'border', 'population', 'continent', 'ocean', 'desert'];
const ALGEBRA = ['matrix', 'eigenvalue', 'determinant', 'ring', 'group', 'homomorphism', 'field', 'kernel'];

/** A prompt of a topic: a few of its words in a random order, plus noise words. */
function prompt(words: string[], rng: () => number): string {
  const pick = () => words[Math.floor(rng() * words.length)];
  return `Question: which ${pick()} of the ${pick()} relates to the ${pick()} and the ${pick()}? (${Math.floor(rng() * 1000)})`;
}

/** True quality: the cheap model is as good on geography, much worse on algebra. */
const TRUTH = { geography: { cheap: 0.9, dear: 0.92 }, algebra: { cheap: 0.3, dear: 0.9 } };

function train(learner: OnlineLearner, n: number, seed: number, tagged: boolean): void {
  const rng = seededRng(seed);
  for (let i = 0; i < n; i++) {
    const topic = rng() < 0.5 ? 'geography' : 'algebra';
    const request = learner.features(
      prompt(topic === 'geography' ? GEOGRAPHY : ALGEBRA, rng),
      tagged ? topic : undefined,
    );
    const decision = learner.decide(request, CANDIDATES, FLOOR);
    const good = rng() < TRUTH[topic][decision.model as 'cheap' | 'dear'];
    learner.observe({
      request,
      model: decision.model,
      signals: { outcome: 'success', feedback: good ? 1 : 0 },
      decision,
    });
  }
}

function cheapShare(learner: OnlineLearner, words: string[], tag: string | undefined, objective = FLOOR): number {
  const rng = seededRng(99);
  let cheap = 0;
  for (let i = 0; i < 200; i++)
    cheap += learner.decide(learner.features(prompt(words, rng), tag), CANDIDATES, objective).model === 'cheap' ? 1 : 0;
  return cheap / 200;
}

describe('OnlineLearner', () => {
  it('learns from the prompt alone which requests the cheap model can take (untagged)', () => {
    const learner = new OnlineLearner({ seed: 1 });
    train(learner, 1500, 1, false);
    // The floor's margins keep some geography on the dear model while evidence is this thin.
    expect(cheapShare(learner, GEOGRAPHY, undefined)).toBeGreaterThan(0.5);
    expect(cheapShare(learner, ALGEBRA, undefined)).toBeLessThan(0.1);
    const [cheap, dear] = learner.estimate(learner.features(prompt(ALGEBRA, seededRng(5))), CANDIDATES, false);
    // The cheap model saw algebra only when exploring: it is known to be clearly worse there, if not how much.
    expect(cheap.mean).toBeLessThan(dear.mean - 0.2);
    expect(dear.mean).toBeGreaterThan(0.8);
  });

  it('learns the same from task types when the words say nothing', () => {
    const learner = new OnlineLearner({ seed: 2 });
    const rng = seededRng(2);
    // Distinct requests (the prompt memory would otherwise learn each topic's one prompt), alike in words:
    // a number counts only by its digits.
    const same = (i: number) => `Question ${1000 + i}: please answer the following question carefully.`;
    for (let i = 0; i < 1500; i++) {
      const topic = rng() < 0.5 ? 'geography' : 'algebra';
      const request = learner.features(same(i), topic);
      const decision = learner.decide(request, CANDIDATES, FLOOR);
      const feedback = rng() < TRUTH[topic][decision.model as 'cheap' | 'dear'] ? 1 : 0;
      learner.observe({ request, model: decision.model, signals: { outcome: 'success', feedback }, decision });
    }
    // Measured on traffic mixed as it trained (decisions enter the floor's window: one topic alone would not
    // be the traffic the floor was set on).
    const cheap = { geography: 0, algebra: 0 };
    for (let i = 0; i < 400; i++) {
      const topic = i % 2 ? 'geography' : 'algebra';
      const request = learner.features(same(2000 + i), topic);
      cheap[topic] += learner.decide(request, CANDIDATES, FLOOR).model === 'cheap' ? 1 : 0;
    }
    expect(cheap.geography / 200).toBeGreaterThan(0.7);
    expect(cheap.algebra / 200).toBeLessThan(0.1);
  });

  it('starts on the best model while it knows nothing, exploring a little', () => {
    const learner = new OnlineLearner({ seed: 3 });
    expect(cheapShare(learner, GEOGRAPHY, undefined)).toBeLessThan(0.1);
    expect(cheapShare(learner, GEOGRAPHY, undefined)).toBeGreaterThan(0);
  });

  it('with the request scope, sends the cheap model only where it clears the floor on that request', () => {
    const learner = new OnlineLearner({ seed: 4 });
    train(learner, 1500, 4, true);
    const request: Objective = { kind: 'quality-floor', floor: 0.8, scope: 'request' };
    expect(cheapShare(learner, GEOGRAPHY, 'geography', request)).toBeGreaterThan(0.5);
    expect(cheapShare(learner, ALGEBRA, 'algebra', request)).toBeLessThan(0.1);
  });

  it('with the cost weight, trades quality against price as the utility says', () => {
    const learner = new OnlineLearner({ seed: 5 });
    train(learner, 1500, 5, true);
    const costWeight = (w: number): Objective => ({ kind: 'cost-weight', costWeight: w, margin: 0.005 });
    expect(cheapShare(learner, ALGEBRA, 'algebra', costWeight(0.1))).toBeLessThan(0.2);
    expect(cheapShare(learner, ALGEBRA, 'algebra', costWeight(2))).toBeGreaterThan(0.8);
  });

  it('learns nothing from a client abort, a client error or a local refusal', () => {
    const learner = new OnlineLearner({ seed: 6 });
    const request = learner.features('hello there', 'chat');
    const before = JSON.stringify(learner.snapshot());
    for (const outcome of ['client_abort', 'client_error', 'refused_locally'] as const)
      expect(learner.observe({ request, model: 'cheap', signals: { outcome, feedback: 0 } }).teaches).toBe(false);
    expect(JSON.stringify(learner.snapshot())).toBe(before);
  });

  it('takes an ungraded success as availability only, and a failure as lower availability', () => {
    const learner = new OnlineLearner({ seed: 7 });
    const request = learner.features('hello there', 'chat');
    const [before] = learner.estimate(request, CANDIDATES, false);
    for (let i = 0; i < 50; i++) learner.observe({ request, model: 'cheap', signals: { outcome: 'success' } });
    const [afterSuccess] = learner.estimate(request, CANDIDATES, false);
    expect(afterSuccess.mean).toBeGreaterThanOrEqual(before.mean);
    expect(afterSuccess.mean).toBeLessThan(before.mean * 1.05);
    expect(learner.view().find((v) => v.model === 'cheap')?.graded).toBe(0);
    for (let i = 0; i < 50; i++) learner.observe({ request, model: 'cheap', signals: { outcome: 'timeout' } });
    expect(learner.estimate(request, CANDIDATES, false)[0].mean).toBeLessThan(afterSuccess.mean * 0.7);
  });

  it('lets later caller feedback correct a judge grade without counting the call twice', () => {
    const learner = new OnlineLearner({ seed: 8 });
    const request = learner.features('translate this sentence', 'translation');
    const judged = learner.observe({ request, model: 'cheap', signals: { outcome: 'success', judge: 1 } });
    const [afterJudge] = learner.estimate(request, CANDIDATES, false);
    const fed = learner.observe({
      request,
      model: 'cheap',
      signals: { outcome: 'success', judge: 1, feedback: 0 },
      learned: judged,
    });
    expect(fed.source).toBe('feedback');
    const [afterFeedback] = learner.estimate(request, CANDIDATES, false);
    expect(afterFeedback.mean).toBeLessThan(afterJudge.mean);
    expect(learner.view().find((v) => v.model === 'cheap')?.graded).toBe(1);
  });

  it('survives a snapshot: a restored learner estimates exactly as the original', () => {
    const learner = new OnlineLearner({ seed: 9 });
    train(learner, 300, 9, true);
    const copy = new OnlineLearner({ seed: 9 });
    copy.restore(JSON.parse(JSON.stringify(learner.snapshot())));
    const rng = seededRng(10);
    for (let i = 0; i < 20; i++) {
      const text = prompt(i % 2 ? GEOGRAPHY : ALGEBRA, rng);
      const a = learner.estimate(learner.features(text, 'algebra'), CANDIDATES, false);
      const b = copy.estimate(copy.features(text, 'algebra'), CANDIDATES, false);
      expect(b).toEqual(a);
    }
    expect(copy.decide(copy.features('x', 'algebra'), CANDIDATES, FLOOR).lambda).toBe(
      learner.decide(learner.features('x', 'algebra'), CANDIDATES, FLOOR).lambda,
    );
  });

  it('refuses a snapshot of another feature space and leaves its state as it was', () => {
    const learner = new OnlineLearner({ seed: 11, features: { bits: 12 } });
    train(learner, 50, 11, true);
    const before = JSON.stringify(learner.snapshot());
    const other = new OnlineLearner({ features: { bits: 14 } }).snapshot();
    expect(() => learner.restore(other)).toThrow(InvalidInputError);
    const corrupt = { ...learner.snapshot(), shared: { ...learner.snapshot().shared, slots: 'AAA' } };
    expect(() => learner.restore(corrupt)).toThrow(/snapshot/);
    expect(JSON.stringify(learner.snapshot())).toBe(before);
  });

  it('explains each decision: the objective, the model and why', () => {
    const learner = new OnlineLearner({ seed: 12, exploration: 0 });
    const d = learner.decide(learner.features('what is the capital of France?'), CANDIDATES, FLOOR);
    expect(explainDecision(d)).toMatch(/^quality-floor=0\.95;scope=traffic: dear, best estimated quality/);
    expect(explainDecision(d)).toContain('cheap');
  });

  it('refuses bad input, naming the field', () => {
    const learner = new OnlineLearner();
    const request = learner.features('x');
    const param = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as InvalidInputError).param;
      }
      return undefined;
    };
    expect(param(() => learner.decide(request, [], FLOOR))).toBe('candidates');
    expect(param(() => learner.decide(request, [{ id: 'a', cost: -1 }], FLOOR))).toBe('candidates.a.cost');
    expect(
      param(() => learner.decide(request, CANDIDATES, { kind: 'quality-floor', floor: 2, scope: 'traffic' })),
    ).toBe('objective.qualityFloor');
    expect(param(() => learner.observe({ request, model: '', signals: { outcome: 'success' } }))).toBe('model');
    expect(param(() => new OnlineLearner({ exploration: 1 }))).toBe('exploration');
    expect(
      param(() => new OnlineLearner({ modelPrior: { biasVariance: -1, tagVariance: 1, lexicalVariance: 1 } })),
    ).toBe('modelPrior.biasVariance');
  });
});
