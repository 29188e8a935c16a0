import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Registry } from 'prom-client';
import { observeHeapAfterFullGc, oldGenerationUsed } from './heap-after-gc';

/** A full GC without starting jest with --expose-gc: the flag set at run time exposes gc() to a new context. */
function fullGc(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

async function gaugeValue(registry: Registry): Promise<number> {
  const metric = await registry.getSingleMetric('t_nodejs_heap_after_full_gc_bytes')!.get();
  return metric.values[0].value;
}

describe('observeHeapAfterFullGc', () => {
  it('is 0 until a full GC, then the old generation the GC left', async () => {
    const registry = new Registry();
    const stop = observeHeapAfterFullGc(registry, 't_');
    try {
      expect(await gaugeValue(registry)).toBe(0);
      fullGc();
      await new Promise((resolve) => setTimeout(resolve, 50));
      const after = await gaugeValue(registry);
      expect(after).toBeGreaterThan(1024 * 1024);
      // The live heap, not the young generation's churn: close to what the old generation holds now.
      expect(Math.abs(after - oldGenerationUsed()) / after).toBeLessThan(0.2);
    } finally {
      stop();
    }
  });

  it('stops following GCs once stopped', async () => {
    const registry = new Registry();
    observeHeapAfterFullGc(registry, 't_')();
    fullGc();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await gaugeValue(registry)).toBe(0);
  });
});
