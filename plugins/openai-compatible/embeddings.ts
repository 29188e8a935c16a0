import { z } from 'zod';
import type { EmbeddingRequest, EmbeddingResponse } from '@ai-mcp-gateway/provider-sdk';

/** POST {baseUrl}/embeddings as OpenAI, Ollama and vLLM answer it (float vectors). */
export const embeddingListSchema = z.object({
  data: z.array(z.object({ index: z.number().int().min(0).optional(), embedding: z.array(z.number()) })).min(1),
  model: z.string().optional(),
  usage: z.object({ prompt_tokens: z.number(), total_tokens: z.number().optional() }).optional(),
});

export function embeddingBody(request: EmbeddingRequest): Record<string, unknown> {
  const body: Record<string, unknown> = { model: request.model, input: request.input, encoding_format: 'float' };
  if (request.dimensions !== undefined) body.dimensions = request.dimensions;
  if (request.user !== undefined) body.user = request.user;
  return body;
}

/** Vectors in the inputs' order (by `index` when the upstream gives it); usage estimated when absent. */
export function toEmbeddingResponse(
  list: z.infer<typeof embeddingListSchema>,
  request: EmbeddingRequest,
  estimate: (text: string) => number,
): EmbeddingResponse {
  const ordered = [...list.data].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  const prompt = list.usage?.prompt_tokens ?? request.input.reduce((n, t) => n + estimate(t), 0);
  return {
    model: list.model ?? request.model,
    embeddings: ordered.map((d) => d.embedding),
    usage: { promptTokens: prompt, totalTokens: list.usage?.total_tokens ?? prompt },
  };
}
