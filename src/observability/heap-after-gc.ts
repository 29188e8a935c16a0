import { constants, PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import { Gauge, Registry } from 'prom-client';

/** The spaces of V8's young generation: what they hold right after a GC is the next allocations, not the live heap. */
const YOUNG = new Set(['new_space', 'new_large_object_space']);

/** A `gc` performance entry (Node types its detail only as unknown). */
type GcEntry = PerformanceEntry & { detail?: { kind?: number } };

/** V8's old generation in use now (every heap space but the young ones). */
export function oldGenerationUsed(): number {
  let used = 0;
  for (const space of getHeapSpaceStatistics()) if (!YOUNG.has(space.space_name)) used += space.space_used_size;
  return used;
}

/**
 * `gateway_nodejs_heap_after_full_gc_bytes`: the old generation right after the last full (mark-compact)
 * GC, i.e. what the process keeps alive. The heap in use swings with the GC cycle (under load, tens of MB
 * between two full GCs), so a leak shows in this figure first; bench:soak rules on it. 0 before the first.
 * Returns the observer's stop.
 */
export function observeHeapAfterFullGc(registry: Registry, prefix: string): () => void {
  const gauge = new Gauge({
    name: `${prefix}nodejs_heap_after_full_gc_bytes`,
    help: 'V8 old generation in use right after the last full (mark-compact) GC: the live heap, which a leak makes grow',
    registers: [registry],
  });
  gauge.set(0);
  const observer = new PerformanceObserver((list) => {
    // The entries arrive after the GC; young allocations since then are left out by reading the old generation only.
    const full = list.getEntries().some((e) => (e as GcEntry).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR);
    if (full) gauge.set(oldGenerationUsed());
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => observer.disconnect();
}
