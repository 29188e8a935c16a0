export { hash32, seededRandom as mulberry32 } from '@ai-mcp-gateway/provider-sdk';

/** Standard normal by Box-Muller (1 - u keeps the log away from zero). */
export function normal(rng: () => number): number {
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** z-score of the 99th percentile of the standard normal. */
const Z99 = 2.3263478740408408;

/**
 * A lognormal draw whose median is p50 and whose 99th percentile is p99: exp(mu) = p50 and
 * exp(mu + Z99 * sigma) = p99. Capped at 10 x p99 so one draw cannot stall a simulation.
 */
export function lognormalFromQuantiles(p50: number, p99: number, rng: () => number): number {
  const mu = Math.log(p50);
  const sigma = Math.log(Math.max(p99, p50) / p50) / Z99;
  return Math.min(Math.exp(mu + sigma * normal(rng)), 10 * p99);
}
