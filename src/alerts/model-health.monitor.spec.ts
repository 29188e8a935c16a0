import { gatewayConfigSchema } from '../config/config.schema';
import type { RecorderService } from '../recording/recorder.service';
import type { AlertsService } from './alerts.service';
import { ModelHealthMonitor } from './model-health.monitor';

const MIN = 60_000;

function monitor() {
  const config = gatewayConfigSchema.parse({
    providers: [{ id: 'p', plugin: 'simulated' }],
    models: [{ id: 'm', provider: 'p', layer: 'fast', price: { input: 1, output: 1 }, contextWindow: 1000 }],
    alerts: { judge: { windowMs: 10 * MIN, baselineMs: 60 * MIN, minSamples: 5, scoreDrop: 0.15 } },
  });
  let now = 1000 * 60 * MIN;
  const raised: Array<{ kind: string; subject: string; value: number; baseline: number; message: string }> = [];
  const resolved: string[] = [];
  const alerts = {
    raise: (e: (typeof raised)[number]) => raised.push(e),
    resolve: (kind: string, subject: string) => resolved.push(`${kind}|${subject}`),
  } as unknown as AlertsService;
  const recorder = { onRecord: () => undefined, droppedTotal: 0 } as unknown as RecorderService;
  const clock = { now: () => new Date(now) };
  const m = new ModelHealthMonitor(recorder, alerts, clock, config);
  return { m, raised, resolved, advance: (ms: number) => (now += ms) };
}

describe('ModelHealthMonitor: judge grades', () => {
  it("raises judge_score_dropped when a model's recent judge grades fall below its own, and resolves it after", () => {
    const { m, raised, resolved, advance } = monitor();
    for (let i = 0; i < 30; i++) {
      m.judgeGraded('m', 0.9);
      advance(MIN);
    }
    m.check();
    expect(raised).toEqual([]);
    for (let i = 0; i < 12; i++) {
      m.judgeGraded('m', 0.4);
      advance(MIN / 2);
    }
    m.check();
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ kind: 'judge_score_dropped', subject: 'm' });
    expect(raised[0].baseline).toBeCloseTo(0.9, 6);
    expect(raised[0].value).toBeLessThan(0.75);
    expect(raised[0].message).toMatch(/the judge's mean grade was/);
    // Grades recover; once the low ones leave the window the alert is resolved.
    for (let i = 0; i < 30; i++) {
      m.judgeGraded('m', 0.9);
      advance(MIN);
    }
    m.check();
    expect(resolved).toEqual(['judge_score_dropped|m']);
    expect(m.judgedModels()).toEqual(['m']);
  });
});
