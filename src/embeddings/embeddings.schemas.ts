import { z } from 'zod';

/** POST /v1/embeddings as the official OpenAI clients send it (null is "not set", as the SDK's types allow). */
export const embeddingsRequest = z.object({
  model: z.string().min(1).max(200),
  input: z.union([
    z.string().min(1, 'an input text must not be empty'),
    z
      .array(z.string().min(1, 'an input text must not be empty'))
      .min(1, 'at least one input text is needed')
      .max(2048, 'at most 2048 inputs per request'),
  ]),
  encoding_format: z.enum(['float', 'base64']).nullish(),
  dimensions: z.number().int().positive().max(65536).nullish(),
  user: z.string().max(256).nullish(),
});

export type EmbeddingsRequestBody = z.infer<typeof embeddingsRequest>;

/** The answer in OpenAI's shape. */
export const embeddingsResponse = z.object({
  object: z.literal('list'),
  model: z.string(),
  data: z.array(
    z.object({
      object: z.literal('embedding'),
      index: z.number().int(),
      embedding: z.union([z.array(z.number()), z.string().describe('base64 of little-endian float32 values')]),
    }),
  ),
  usage: z.object({ prompt_tokens: z.number().int(), total_tokens: z.number().int() }),
});

/** A vector as base64 of its little-endian float32 values (what the openai client asks for by default). */
export function base64Vector(vector: readonly number[]): string {
  const buffer = Buffer.alloc(vector.length * 4);
  vector.forEach((v, i) => buffer.writeFloatLE(v, i * 4));
  return buffer.toString('base64');
}
