import type { ProviderInstance } from '@ai-mcp-gateway/provider-sdk';

/** What one probe of a provider found. */
export interface ProbeResult {
  /** ISO 8601. */
  at: string;
  ok: boolean;
  detail: string | null;
  latencyMs: number;
  /** The model names the provider listed (undefined when the listing failed). */
  models?: string[];
}

/** A probe that hangs counts as failed after this long. */
const PROBE_TIMEOUT_MS = 10_000;

/**
 * Asks a provider whether it can serve: its health check where it has one (an HTTP plugin's checks the key
 * and a cheap upstream GET), and its model listing (a model the catalogue names but the provider does not
 * list cannot be served). Never throws.
 */
export async function probeProvider(instance: ProviderInstance, timeoutMs = PROBE_TIMEOUT_MS): Promise<ProbeResult> {
  const started = performance.now();
  const at = new Date().toISOString();
  const [health, listing] = await Promise.all([
    instance.healthCheck ? settle(instance.healthCheck(), timeoutMs) : Promise.resolve(undefined),
    settle(instance.listModels(), timeoutMs),
  ]);
  const latencyMs = Math.round(performance.now() - started);
  const models = listing.ok ? listing.value.map((m) => m.id) : undefined;
  if (health) {
    const ok = health.ok && health.value.ok;
    const detail = health.ok ? (health.value.detail ?? null) : health.error;
    return { at, ok, detail, latencyMs, models };
  }
  return {
    at,
    ok: listing.ok,
    detail: listing.ok ? null : `listing the models failed: ${listing.error}`,
    latencyMs,
    models,
  };
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: string };

function settle<T>(work: Promise<T>, timeoutMs: number): Promise<Settled<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Settled<T>>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, error: `no answer within ${timeoutMs} ms` }), timeoutMs);
    timer.unref();
  });
  const done = work.then(
    (value): Settled<T> => ({ ok: true, value }),
    (err: unknown): Settled<T> => ({ ok: false, error: (err as Error)?.message ?? String(err) }),
  );
  return Promise.race([done, timeout]).finally(() => clearTimeout(timer));
}
