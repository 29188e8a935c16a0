import { z } from 'zod';
import { storedJsonObject, storedText } from '../tools/schema-helpers';

export const recordMetricInput = z.strictObject({
  name: storedText().trim().min(1).max(200).describe('metric name, e.g. router.decision_us'),
  value: z.number().describe('a finite number'),
  unit: storedText().trim().min(1).max(50).describe('e.g. ms, usd, count, percent'),
  context: storedJsonObject().optional().describe('free-form JSON object (size capped by security.maxJsonFieldBytes)'),
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
