import { BUCKET_SECONDS, WINDOWS } from '@ai-mcp-gateway/console-contract';

export type UsageWindow = (typeof WINDOWS)[number];

const WINDOW_SECONDS: Record<UsageWindow, number> = { hour: 3600, day: 86_400, week: 604_800 };

/** The buckets of a window ending now: `from` is the first bucket's start, `to` the current bucket's end. */
export interface WindowBounds {
  window: UsageWindow;
  bucketSeconds: number;
  from: Date;
  to: Date;
}

/** Buckets are aligned on multiples of their width since the epoch, as the SQL computes them. */
export function windowBounds(window: UsageWindow, now: number = Date.now()): WindowBounds {
  const bucketSeconds = BUCKET_SECONDS[window];
  const bucketMs = bucketSeconds * 1000;
  const to = Math.floor(now / bucketMs) * bucketMs + bucketMs;
  return { window, bucketSeconds, from: new Date(to - WINDOW_SECONDS[window] * 1000), to: new Date(to) };
}
