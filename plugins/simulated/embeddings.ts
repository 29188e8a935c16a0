import { estimateTokens, type EmbeddingRequest, type EmbeddingResponse } from '@ai-mcp-gateway/provider-sdk';
import { hash32 } from './rng';

/**
 * A hashed bag of words, normalised: texts that share words get close vectors (cosine), so that offline
 * development of search and retrieval behaves like it would with a real embedding model.
 */
export function embedText(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  for (const word of words) {
    const h = hash32(word);
    vector[h % dimensions] += (h >>> 16) & 1 ? 1 : -1;
  }
  const norm = Math.sqrt(vector.reduce((s, v) => s + v * v, 0));
  return norm > 0 ? vector.map((v) => v / norm) : vector.map((_, i) => (i === 0 ? 1 : 0));
}

export function simulatedEmbeddings(request: EmbeddingRequest, dimensions: number): EmbeddingResponse {
  const size = request.dimensions ?? dimensions;
  const tokens = request.input.reduce((n, text) => n + estimateTokens(text), 0);
  return {
    model: request.model,
    embeddings: request.input.map((text) => embedText(text, size)),
    usage: { promptTokens: tokens, totalTokens: tokens },
  };
}
