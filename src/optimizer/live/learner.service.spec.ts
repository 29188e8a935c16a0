import { gatewayConfigSchema } from '../../config/config.schema';
import { ModelCatalogue } from '../../providers/model-catalogue';
import type { PolicyOutcome } from '../../routing/model-policy';
import type { LearnerStateRepository } from './learner-state.repository';
import { LearnerService } from './learner.service';

function service(floor?: number): { svc: LearnerService; saved: unknown[] } {
  const config = gatewayConfigSchema.parse({
    providers: [{ id: 'p', plugin: 'simulated' }],
    models: [
      { id: 'cheap', provider: 'p', layer: 'fast', price: { input: 0.1, output: 0.1 }, contextWindow: 10000 },
      { id: 'dear', provider: 'p', layer: 'deep', price: { input: 10, output: 30 }, contextWindow: 10000 },
      { id: 'judge', provider: 'p', layer: 'deep', price: { input: 1, output: 1 }, contextWindow: 10000 },
    ],
    optimizer: {
      seed: 1,
      objective: { qualityFloor: floor },
      judge: { model: 'judge' },
      learner: { persistMs: 60000 },
    },
  });
  const saved: unknown[] = [];
  const repository = {
    load: () => Promise.resolve(undefined),
    save: (_id: string, _v: number, snapshot: unknown) => (saved.push(snapshot), Promise.resolve(saved.length)),
  } as unknown as LearnerStateRepository;
  return { svc: new LearnerService(config, new ModelCatalogue(config), repository), saved };
}

const messages = [{ role: 'user' as const, content: 'Prove the theorem about primes' }];
const context = { messages, promptTokens: 10 };
const outcome = (requestId: string, model: string, over: Partial<PolicyOutcome> = {}): PolicyOutcome => ({
  requestId,
  taskType: 'math',
  model,
  success: true,
  errorClass: null,
  messages,
  ...over,
});
const graded = (svc: LearnerService) => Object.fromEntries(svc.learner.view().map((v) => [v.model, v.graded]));
/** The learner's estimate of a model on the prompt (moves with its answer rate while no grade arrived). */
const answered = (svc: LearnerService, model: string) =>
  svc.learner.estimate(
    svc.learner.features('Prove the theorem about primes', 'math'),
    [{ id: model, cost: 1 }],
    false,
  )[0].mean;

describe('LearnerService', () => {
  it('never routes to the judge, and says which objective decided', () => {
    const { svc } = service(0.9);
    for (let i = 0; i < 50; i++) {
      const pick = svc.decide(`r${i}`, 'math', context)!;
      expect(pick.model.id).not.toBe('judge');
      expect(pick.objective).toBe('quality-floor=0.9;scope=traffic');
    }
    expect(svc.decide('x', 'math', { ...context, qualityFloor: 0.5 })!.objective).toBe(
      'quality-floor=0.5;scope=traffic',
    );
    expect(service().svc.decide('y', 'math', context)!.objective).toBe('cost-weight=0.2');
  });

  it('learns only from what the model did: aborts, client errors and local refusals change nothing', () => {
    const { svc } = service(0.9);
    svc.observe(outcome('a', 'cheap', { success: false, errorClass: 'client_closed' }));
    svc.observe(outcome('b', 'cheap', { success: false, errorClass: 'circuit_open' }));
    svc.observe(outcome('c', 'cheap', { success: false, errorClass: 'upstream_bad_request' }));
    expect(answered(svc, 'cheap')).toBeCloseTo(answered(service(0.9).svc, 'cheap'), 9);
    svc.observe(outcome('d', 'cheap', { success: false, errorClass: 'upstream_error' }));
    const after = answered(svc, 'cheap');
    expect(after).toBeLessThan(answered(service(0.9).svc, 'cheap'));
    // A fallback after a failed attempt: the failed model's answer rate drops, the answering one's rises.
    svc.observe(outcome('e', 'dear', { failedAttempts: [{ model: 'cheap', kind: 'upstream' }] }));
    expect(answered(svc, 'cheap')).toBeLessThan(after);
  });

  it("learns a grade once: the judge's, then the caller's in its place (feedback wins)", () => {
    const { svc } = service(0.9);
    svc.decide('r', 'math', context);
    svc.observe(outcome('r', 'cheap'));
    expect(graded(svc).cheap ?? 0).toBe(0);
    expect(svc.grade('r', 'judge', 1)).toBe(true);
    expect(graded(svc).cheap).toBe(1);
    expect(svc.grade('r', 'feedback', 0)).toBe(true);
    expect(graded(svc).cheap).toBe(1);
    expect(svc.grade('unknown', 'feedback', 1)).toBe(false);
    // The judge is never learned about as a routed model.
    expect(svc.observe(outcome('j', 'judge'))).toBeUndefined();
  });

  it('saves only when something was learned', async () => {
    const { svc, saved } = service(0.9);
    await svc.persist();
    expect(saved).toHaveLength(0);
    svc.observe(outcome('r', 'cheap', { success: false, errorClass: 'upstream_timeout' }));
    await svc.persist();
    expect(saved).toHaveLength(1);
    await svc.persist();
    expect(saved).toHaveLength(1);
  });

  it('adopts the saved state when another replica saved first (one lineage, the database one)', async () => {
    const other = service(0.9).svc;
    other.decide('o', 'math', context);
    other.observe(outcome('o', 'dear'));
    other.grade('o', 'feedback', 1);
    const theirs = other.learner.snapshot();
    const { svc } = service(0.9);
    const repo = (svc as unknown as { repository: Record<string, unknown> }).repository;
    repo.save = () => Promise.resolve(undefined);
    repo.load = () => Promise.resolve({ version: 7, snapshot: JSON.parse(JSON.stringify(theirs)) as unknown });
    svc.observe(outcome('mine', 'cheap', { success: false, errorClass: 'upstream_error' }));
    await svc.persist();
    expect(svc.learner.view()).toEqual(other.learner.view());
    expect((svc as unknown as { version: number }).version).toBe(7);
  });

  it('relaxes the objective for a caller near its budget: the floor by floorStep, the cost weight by its factor', () => {
    const { svc } = service(0.95);
    expect(svc.objectiveLabel()).toBe('quality-floor=0.95;scope=traffic');
    expect(svc.objectiveLabel(undefined, true)).toBe('quality-floor=0.9;scope=traffic;budget=near');
    expect(svc.objective(0.02, true)).toMatchObject({ kind: 'quality-floor', floor: 0 });
    const open = service().svc;
    const weight = (open.objective() as { costWeight: number }).costWeight;
    expect(open.objective(undefined, true)).toMatchObject({ kind: 'cost-weight', costWeight: weight * 2 });
    const pick = svc.decide('r-near', 'math', { ...context, nearBudget: true });
    expect(pick?.objective).toBe('quality-floor=0.9;scope=traffic;budget=near');
  });
});
