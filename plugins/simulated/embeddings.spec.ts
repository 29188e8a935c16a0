import { embedText, simulatedEmbeddings } from './embeddings';

describe('simulated embeddings', () => {
  it('are deterministic unit vectors of the asked size', () => {
    const v = embedText('Hello, world', 32);
    expect(v).toHaveLength(32);
    expect(embedText('hello world', 32)).toEqual(v);
    expect(v.reduce((s, x) => s + x * x, 0)).toBeCloseTo(1, 10);
    expect(embedText('', 8).reduce((s, x) => s + x * x, 0)).toBeCloseTo(1, 10);
  });

  it('answer one vector per input, with the request dimensions winning over the model default', () => {
    const out = simulatedEmbeddings({ model: 'e', input: ['a b', 'c d'], dimensions: 16 }, 256);
    expect(out.embeddings.map((e) => e.length)).toEqual([16, 16]);
    expect(out.usage.promptTokens).toBeGreaterThan(0);
  });
});
