import { estimateTokens } from '../../tokens';

/** A deterministic vector per text (dimensions from the request, default 8), the same text always the same vector. */
export function fakeVector(text: string, dimensions: number): number[] {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return Array.from({ length: dimensions }, (_, i) => (((h >>> (i % 32)) & 0xff) - 127.5) / 127.5);
}

/** POST /v1/embeddings in OpenAI's shape; undefined for a body it cannot take (the fake answers 400). */
export function fakeEmbeddings(raw: unknown): Record<string, unknown> | undefined {
  const body = (raw ?? {}) as { input?: unknown; dimensions?: unknown; model?: unknown };
  const input = body.input;
  const texts = typeof input === 'string' ? [input] : Array.isArray(input) ? input : undefined;
  if (!texts || texts.length === 0 || !texts.every((t) => typeof t === 'string')) return undefined;
  const dimensions = Number.isInteger(body.dimensions) ? (body.dimensions as number) : 8;
  const tokens = texts.reduce((n: number, t: string) => n + estimateTokens(t), 0);
  return {
    object: 'list',
    model: typeof body.model === 'string' ? body.model : 'unknown',
    data: texts.map((t: string, index: number) => ({
      object: 'embedding',
      index,
      embedding: fakeVector(t, dimensions),
    })),
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
