import { embeddingBody, embeddingListSchema, toEmbeddingResponse } from './embeddings';

describe('openai-compatible embeddings', () => {
  it('sends floats, and dimensions and user only when set', () => {
    expect(embeddingBody({ model: 'm', input: ['x'] })).toEqual({ model: 'm', input: ['x'], encoding_format: 'float' });
    expect(embeddingBody({ model: 'm', input: ['x'], dimensions: 3, user: 'u' })).toMatchObject({
      dimensions: 3,
      user: 'u',
    });
  });

  it('puts vectors back in input order and estimates usage an upstream left out (Ollama)', () => {
    const list = embeddingListSchema.parse({
      data: [
        { index: 1, embedding: [2] },
        { index: 0, embedding: [1] },
      ],
    });
    const out = toEmbeddingResponse(list, { model: 'm', input: ['aaaa', 'bbbb'] }, (t) => t.length);
    expect(out.embeddings).toEqual([[1], [2]]);
    expect(out.usage).toEqual({ promptTokens: 8, totalTokens: 8 });
    expect(out.model).toBe('m');
  });
});
