import { z } from 'zod';

export const recordMetricInput = z.strictObject({
  name: z.string().trim().min(1).max(200).describe('metric name, e.g. router.decision_us'),
  value: z.number().describe('a finite number'),
  unit: z.string().trim().min(1).max(50).describe('e.g. ms, usd, count, percent'),
  context: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('free-form JSON object (size capped by security.maxJsonFieldBytes)'),
});
export type RecordMetricInput = z.infer<typeof recordMetricInput>;

export const metricSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  value: z.number(),
  unit: z.string(),
  context: z.record(z.string(), z.unknown()),
  recordedAt: z.string(),
});
export type MetricDto = z.infer<typeof metricSchema>;
